"""Detail, change log, create/edit and delete pages of one object."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from core.history import changes_of
from core.permissions import has_action
from core.views.base import RestrictedViewMixin, object_url


class OutOfScope(Exception):
    """The saved row fell outside the user's grants; raised to roll the transaction back."""


def field_rows(obj):
    """[(label, value)] of an object's editable fields for the detail page."""
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in ("id", "path") or (
            not field.editable and field.name not in ("created_at", "updated_at")
        ):
            continue
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif isinstance(field, models.BooleanField):
            value = "是" if getattr(obj, field.name) else "否"
        else:
            value = getattr(obj, field.name)
        rows.append((field.verbose_name, value))
    for field in obj._meta.many_to_many:
        rows.append(
            (field.verbose_name, "、".join(str(item) for item in getattr(obj, field.name).all()[:50]))
        )
    return rows


class ObjectDetailView(RestrictedViewMixin, View):
    """Declare `queryset`; optionally `related` = [(title, callable(obj, user) -> table)]."""

    template_name = "core/object_detail.html"
    related = ()

    def get(self, request, pk):
        return self.render_page(get_object_or_404(self.restricted_queryset("view"), pk=pk))

    def extra_context(self, obj):
        """More context for a model's own detail template (e.g. the project page)."""
        return {}

    def render_page(self, obj, *, status=200, **extra):
        context = {
            **self.base_context(),
            "object": obj,
            "fields": field_rows(obj),
            "related_tables": [(title, build(obj, self.request.user)) for title, build in self.related],
            "tab": "detail",
            **self.object_links(obj),
            **self.extra_context(obj),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def object_links(self, obj):
        user = self.request.user
        can = self.model.objects.filter(pk=obj.pk)
        return {
            "edit_url": object_url(self.model, "edit", obj) if can.restrict(user, "change").exists() else "",
            "delete_url": object_url(self.model, "delete", obj)
            if can.restrict(user, "delete").exists()
            else "",
            "changelog_url": object_url(self.model, "changelog", obj),
            "detail_url": object_url(self.model, "detail", obj),
        }


class ObjectChangelogView(ObjectDetailView):
    """The change-log tab: every historical record of the object, newest first, with its changes."""

    template_name = "core/object_changelog.html"

    def get(self, request, pk):
        obj = get_object_or_404(self.restricted_queryset("view"), pk=pk)
        records = obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:200]
        entries = [{"record": record, "changes": changes_of(record)} for record in records]
        context = {**self.base_context(), "object": obj, "entries": entries, "tab": "changelog"}
        context.update(self.object_links(obj))
        return render(request, self.template_name, context)


class ObjectEditView(RestrictedViewMixin, View):
    """Create (no pk) or edit (pk) with the declared `form`; the saved row must stay in scope."""

    form = None
    template_name = "core/object_edit.html"

    def get_object(self, pk):
        if pk is None:
            self.require_action("add")
            return self.model()
        return get_object_or_404(self.restricted_queryset("change"), pk=pk)

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        form = self.form(instance=obj, user=request.user, initial=request.GET.dict() if pk is None else None)
        return self.render_form(obj, form)

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        action = "add" if pk is None else "change"
        form = self.form(request.POST, request.FILES, instance=obj, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
                    if not self.model.objects.filter(pk=saved.pk).restrict(request.user, action).exists():
                        raise OutOfScope
            except OutOfScope:
                if pk is None:
                    obj.pk = None
                form.add_error(None, "保存后的记录不在您的授权范围内，未保存。")
            else:
                messages.success(request, f"已保存{self.model._meta.verbose_name}“{saved}”。")
                return redirect(object_url(self.model, "detail", saved) or object_url(self.model, "list"))
        return self.render_form(obj, form, status=400 if request.method == "POST" else 200)

    def render_form(self, obj, form, status=200):
        context = {**self.base_context(), "object": obj if obj.pk else None, "form": form}
        if obj.pk:
            context["cancel_url"] = object_url(self.model, "detail", obj)
        else:
            context["cancel_url"] = object_url(self.model, "list")
        return render(self.request, self.template_name, context, status=status)


class ObjectDeleteView(RestrictedViewMixin, View):
    template_name = "core/object_delete.html"

    def get(self, request, pk):
        obj = get_object_or_404(self.restricted_queryset("delete"), pk=pk)
        return render(request, self.template_name, {**self.base_context(), "object": obj})

    def post(self, request, pk):
        obj = get_object_or_404(self.restricted_queryset("delete"), pk=pk)
        if not has_action(request.user, self.model, "delete"):
            raise PermissionDenied
        label = str(obj)
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError as error:
            blockers = "、".join(sorted({str(item._meta.verbose_name) for item in error.protected_objects}))
            messages.error(request, f"“{label}”仍被其他记录（{blockers}）引用，不能删除。")
            return redirect(object_url(self.model, "detail", obj) or object_url(self.model, "list"))
        messages.success(request, f"已删除{self.model._meta.verbose_name}“{label}”。")
        return redirect(object_url(self.model, "list"))
