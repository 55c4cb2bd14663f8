from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "组织机构"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_roles, sender=self)


def _ensure_roles(sender, **kwargs):
    # Default roles name permissions of every app, so those permissions must exist first.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .services import ensure_default_roles

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    ensure_default_roles()
