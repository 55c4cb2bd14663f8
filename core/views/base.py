"""What every generic view shares: the model, its restricted rows and URL names."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from core.permissions import has_action


def url_name(model, action):
    return f"{model._meta.app_label}:{model._meta.model_name}_{action}"


def object_url(model, action, obj=None):
    """The URL of a model's generic page, or "" when that page does not exist."""
    try:
        return reverse(url_name(model, action), kwargs={"pk": obj.pk} if obj is not None else None)
    except NoReverseMatch:
        return ""


class RestrictedViewMixin(LoginRequiredMixin):
    """`queryset` is declared by the app; rows come only through restrict(user, self.action)."""

    queryset = None
    action = "view"
    template_name = None

    @property
    def model(self):
        return self.queryset.model

    def require_action(self, action=None):
        if not has_action(self.request.user, self.model, action or self.action):
            raise PermissionDenied("您没有执行此操作的权限。")

    def restricted_queryset(self, action=None):
        return self.queryset.all().restrict(self.request.user, action or self.action)

    def base_context(self):
        meta = self.model._meta
        user = self.request.user
        return {
            "model_name": meta.verbose_name,
            "model_name_plural": meta.verbose_name_plural,
            "list_url": object_url(self.model, "list"),
            "add_url": object_url(self.model, "add") if has_action(user, self.model, "add") else "",
            "import_url": object_url(self.model, "import") if has_action(user, self.model, "add") else "",
        }
