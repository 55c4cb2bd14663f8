import datetime
import re
import unicodedata

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.forms import RestrictedModelForm
from org.models import Unit
from projects.choices import Stage
from projects.models import Project

from . import expressions, services
from .models import Cadence, LockException, ValidationRule

# An exported list cell reads "['signed', 'preparing']"; people type "签约、前期".
LIST_SEPARATORS = re.compile(r"[、,，;；\s\[\]'\"]+")


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def datetime_input():
    return forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})


def add_service_errors(form, error):
    """Put a service's ValidationError on the form: on its field when the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, messages)


class ChoiceListField(forms.MultipleChoiceField):
    """Several choices stored as a JSON list, ticked as checkboxes; a spreadsheet cell may give them
    as one text of values or Chinese labels separated by 、 or commas."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        if isinstance(value, str):
            value = [value]
        labels = {str(label): key for key, label in self.choices}
        values = []
        for item in value or ():
            for part in LIST_SEPARATORS.split(str(item)):
                if part:
                    values.append(labels.get(part, part))
        return values


class LabelledChoiceField(forms.TypedChoiceField):
    """Accepts a choice's Chinese label as well as its value. Labels are compared NFKC-normalised:
    the importer normalises cells, so "警告（须说明）" arrives as "警告(须说明)"."""

    def to_python(self, value):
        value = super().to_python(value)
        labels = {unicodedata.normalize("NFKC", str(label)): key for key, label in self.choices}
        return labels.get(unicodedata.normalize("NFKC", str(value)), value)


def labelled_choice(model, name):
    return model._meta.get_field(name).formfield(choices_form_class=LabelledChoiceField)


class CadenceForm(RestrictedModelForm):
    stages = ChoiceListField(
        label=Cadence._meta.get_field("stages").verbose_name,
        choices=Stage.choices,
        required=False,
        help_text=Cadence._meta.get_field("stages").help_text,
    )
    tier_flags = ChoiceListField(
        label=Cadence._meta.get_field("tier_flags").verbose_name,
        choices=Project.TIER_FLAGS,
        required=False,
        help_text="只覆盖带所选级别标记的项目；不选表示全部项目。",
    )

    class Meta:
        model = Cadence
        fields = [
            "name",
            "region",
            "period_type",
            "start_weekday",
            "open_offset_days",
            "due_offset_days",
            "due_time",
            "grace_days",
            "expiry_days",
            "units",
            "stages",
            "tier_flags",
            "is_active",
        ]
        widgets = {"due_time": forms.TimeInput(format="%H:%M", attrs={"type": "time"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("stages", "tier_flags"):
            self.fields[name].widget.attrs["class"] = "list-unstyled mb-0"
        self.fields["units"].widget.attrs["size"] = 8


class ValidationRuleForm(RestrictedModelForm):
    operator = labelled_choice(ValidationRule, "operator")
    importance = labelled_choice(ValidationRule, "importance")

    class Meta:
        model = ValidationRule
        fields = [
            "name",
            "left_side",
            "operator",
            "right_side",
            "importance",
            "message",
            "cadence",
            "is_active",
            "sort_order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        variables = format_html_join(
            "、", "<code>{}</code>（{}）", ((name, label) for name, label in expressions.VARIABLES.items())
        )
        help_text = format_html(
            "可用字段：{}；可用 + - * / 和括号，函数 {}。例：<code>1.1 * total_investment</code>",
            variables,
            "、".join(sorted(expressions.FUNCTIONS)),
        )
        for name in ("left_side", "right_side"):
            self.fields[name].help_text = help_text

    def _expression(self, name):
        text = self.cleaned_data.get(name, "")
        if text:
            try:
                expressions.parse(text)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return text

    def clean_left_side(self):
        return self._expression("left_side")

    def clean_right_side(self):
        return self._expression("right_side")


class LockExceptionForm(RestrictedModelForm):
    """A new exception is granted through `services.grant_lock_exception` (which extends an earlier
    grant to the same unit); an existing one is edited as a row."""

    class Meta:
        model = LockException
        fields = ["round", "unit", "until", "reason"]
        widgets = {"until": datetime_input()}

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if not self.instance.pk:
            # A second grant to the same unit extends the first (the service), so the model's
            # once-per-round constraint must not refuse it here; the form has checked the unit.
            exclusions.add("unit")
        return exclusions

    def save(self, commit=True):
        if self.instance.pk or not commit:
            return super().save(commit)
        data = self.cleaned_data
        return services.grant_lock_exception(
            data["round"], unit=data["unit"], until=data["until"], reason=data["reason"], actor=self.user
        )


class ActionForm(forms.Form):
    """A form posted from a dispatch page to a workflow; styled like the edit forms."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


class OpenRoundForm(ActionForm):
    prefix = "open"
    on = forms.DateField(
        label="调度日期", initial=datetime.date.today, widget=date_input(), help_text="开启包含这一天的周期。"
    )

    def __init__(self, *args, cadence, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadence = cadence

    def open_round(self, *, actor):
        """Call the service; its refusal becomes a form error. Returns the round or None."""
        try:
            return services.open_round(self.cadence, on=self.cleaned_data["on"], actor=actor)
        except ValidationError as error:
            add_service_errors(self, error)
            return None


class GrantExceptionForm(ActionForm):
    prefix = "exception"
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="单位")
    until = forms.DateTimeField(label="补报截止", widget=datetime_input())
    reason = forms.CharField(label="原因", max_length=200)

    def __init__(self, *args, dispatch_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispatch_round = dispatch_round
        units = Unit.objects.filter(pk__in=dispatch_round.reports.values("unit")).order_by("code")
        self.fields["unit"].queryset = units.restrict(self.user, "view") if self.user else units.none()
        if not self.is_bound:
            self.initial["until"] = timezone.localtime() + datetime.timedelta(days=3)

    def grant(self, *, actor):
        """Call the service in a transaction that is undone when the exception would fall outside the
        actor's grants. Returns the exception or None."""
        data = self.cleaned_data
        try:
            with transaction.atomic():
                exception = services.grant_lock_exception(
                    self.dispatch_round,
                    unit=data["unit"],
                    until=data["until"],
                    reason=data["reason"],
                    actor=actor,
                )
                if not LockException.objects.filter(pk=exception.pk).restrict(actor, "add").exists():
                    raise ValidationError("该单位不在您的授权范围内，不能开通补报许可。")
        except ValidationError as error:
            add_service_errors(self, error)
            return None
        return exception
