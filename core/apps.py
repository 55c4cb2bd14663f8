from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共机制"

    def ready(self):
        from django.contrib.auth.models import Permission
        from django.db.models.signals import post_delete, post_migrate, post_save

        from core.permissions import forget_permission_names

        # Permission ids change when migrations run or a database is flushed (tests): drop the cache.
        post_migrate.connect(forget_permission_names, dispatch_uid="tiaodu_forget_permissions_migrate")
        post_save.connect(
            forget_permission_names, sender=Permission, dispatch_uid="tiaodu_forget_permissions_save"
        )
        post_delete.connect(
            forget_permission_names, sender=Permission, dispatch_uid="tiaodu_forget_permissions_del"
        )
