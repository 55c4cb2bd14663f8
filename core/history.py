"""Who changed what, when, under which request: the context every history record is written with.

The middleware binds the request (and a request id, echoed in the `X-Request-ID` response header);
services run from commands bind an actor with `history_context(actor=...)`. django-simple-history
asks `history_user_getter` for the actor and our signal stamps the request id and reason.
"""

import contextvars
import uuid
from contextlib import contextmanager

from django.db import models
from simple_history.signals import pre_create_historical_record

_request = contextvars.ContextVar("tiaodu_request", default=None)
_actor = contextvars.ContextVar("tiaodu_actor", default=None)
_request_id = contextvars.ContextVar("tiaodu_request_id", default="")
_reason = contextvars.ContextVar("tiaodu_reason", default="")


class HistoricalRecordExtras(models.Model):
    """Columns added to every historical table."""

    request_id = models.CharField("请求编号", max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True


def current_request_id():
    return _request_id.get()


def current_actor():
    """The user a change is attributed to: an explicit actor, else the request's signed-in user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        return user
    return None


def history_user_getter(instance=None, request=None, **kwargs):
    return current_actor()


@contextmanager
def history_context(*, actor=None, reason="", request_id=None):
    """Attribute every change made inside the block to `actor`, with `reason` and a request id."""
    tokens = [
        _actor.set(actor if actor is not None else _actor.get()),
        _reason.set(reason or _reason.get()),
        _request_id.set(request_id or _request_id.get() or f"cmd-{uuid.uuid4().hex[:16]}"),
    ]
    try:
        yield
    finally:
        for var, token in zip((_actor, _reason, _request_id), tokens, strict=True):
            var.reset(token)


class HistoryContextMiddleware:
    """Binds the request and a request id for the history records written while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming[:64] if incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = request_id
        tokens = (_request.set(request), _request_id.set(request_id))
        try:
            response = self.get_response(request)
        finally:
            _request.reset(tokens[0])
            _request_id.reset(tokens[1])
        response["X-Request-ID"] = request_id
        return response


def _stamp_record(sender, history_instance, **kwargs):
    if hasattr(history_instance, "request_id"):
        history_instance.request_id = current_request_id()
    reason = _reason.get()
    if reason and not getattr(history_instance, "history_change_reason", None):
        history_instance.history_change_reason = reason


pre_create_historical_record.connect(_stamp_record, dispatch_uid="tiaodu_stamp_history")


def changes_of(record):
    """The field changes a historical record made, as (label, old, new) tuples, oldest first."""
    previous = record.prev_record
    model = record.instance_type
    if previous is None:
        fields = [f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]
        if record.history_type == "-":
            return []
        return [
            (str(f.verbose_name), None, _display(record, f))
            for f in fields
            if _display(record, f) not in ("", None)
        ]
    delta = record.diff_against(previous, excluded_fields=list(IGNORED_FIELDS))
    result = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        result.append((str(field.verbose_name), _display(previous, field), _display(record, field)))
    return result


IGNORED_FIELDS = ("created_at", "updated_at", "id", "path")


def _display(record, field):
    value = getattr(record, field.attname, None)
    if value is None:
        return None
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        try:
            related = field.related_model._default_manager.filter(pk=value).first()
        except Exception:  # the related row may be gone; show its key
            related = None
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
