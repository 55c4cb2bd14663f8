"""Base viewset and serializer: every endpoint gets rows through restrict(user, action), like the UI."""

from django.db import transaction
from django.db.models import ProtectedError
from rest_framework import serializers, viewsets
from rest_framework.exceptions import APIException, NotFound

from core.api.permissions import METHOD_ACTIONS
from core.models import RestrictedManager, RestrictedQuerySet


class Conflict(APIException):
    status_code = 409
    default_detail = "与现有数据冲突。"
    default_code = "conflict"


class RestrictedSerializer(serializers.ModelSerializer):
    """Related-object fields only accept rows the requesting user may view."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            # ModelSerializer gives its related fields the model's default manager, not a queryset.
            if isinstance(queryset, RestrictedManager):
                queryset = queryset.all()
            if user is not None and isinstance(queryset, RestrictedQuerySet):
                target.queryset = queryset.restrict(user, "view")
        return fields


class RestrictedModelViewSet(viewsets.ModelViewSet):
    """Declare `queryset`, `serializer_class` and `filterset_class` (the same FilterSet as the UI)."""

    ordering_fields = "__all__"

    def get_queryset(self):
        action = METHOD_ACTIONS.get(self.request.method, "view")
        return self.queryset.all().restrict(self.request.user, action)

    def _save_in_scope(self, serializer, action):
        with transaction.atomic():
            instance = serializer.save()
            model = self.queryset.model
            if not model._default_manager.filter(pk=instance.pk).restrict(self.request.user, action).exists():
                raise NotFound("保存后的记录不在您的授权范围内，未保存。")

    def perform_create(self, serializer):
        self._save_in_scope(serializer, "add")

    def perform_update(self, serializer):
        self._save_in_scope(serializer, "change")

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as error:
            blockers = "、".join(sorted({str(item._meta.verbose_name) for item in error.protected_objects}))
            raise Conflict(f"仍被其他记录（{blockers}）引用，不能删除。") from error
