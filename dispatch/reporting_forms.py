"""Forms of the reporting pages: the phone-first fill form, and the office's review forms. Labels come
from the model's verbose names; the forms only read input, the services decide."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from projects import services as project_services

from .choices import Confidence
from .models import ProgressReport
from .services import INVESTMENT_FIELDS, REPORT_FIELDS

# Full-width digits and signs, as Chinese input methods type them.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")
# Confidence choice → Bootstrap-like colour of its button.
CONFIDENCE_TONES = {
    Confidence.GREEN: "green",
    Confidence.GREEN_AMBER: "green-amber",
    Confidence.AMBER: "amber",
    Confidence.AMBER_RED: "amber-red",
    Confidence.RED: "red",
}


class MoneyField(forms.DecimalField):
    """万元 typed on a phone: full-width digits, thousands separators and a trailing "万元" are fine."""

    default_error_messages = {"invalid": "请填写数字（单位：万元），如 200 或 35.5。"}

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[,\s]|万元$|万$", "", value.translate(FULL_WIDTH))
        return super().to_python(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by `dispatch.photos` when it is added."""

    def __init__(self, **kwargs):
        attrs = {"accept": "image/*", "capture": "environment", "class": "form-control form-control-lg"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


def _label(name):
    return ProgressReport._meta.get_field(name).verbose_name


def _derived(report, name):
    """Whether `name` equals what the service would derive from this period's figure, i.e. the unit
    did not type it (so the form leaves it empty and lets the service derive it again)."""
    period = report.investment_period
    value = getattr(report, name)
    if period is None or value is None:
        return value is None
    baseline = (
        report.baseline_year_to_date if name == "investment_year_to_date" else report.baseline_since_start
    )
    return value == baseline + period


class ReportFillForm(forms.Form):
    """What a unit types into a progress report. `report_values()` gives the keyword arguments of
    `save_report` / `submit_report`: an empty investment figure is left out, so the service derives it."""

    investment_period = MoneyField(
        label=_label("investment_period"), required=False, max_digits=14, decimal_places=2
    )
    investment_year_to_date = MoneyField(
        label=_label("investment_year_to_date"), required=False, max_digits=14, decimal_places=2
    )
    investment_since_start = MoneyField(
        label=_label("investment_since_start"), required=False, max_digits=14, decimal_places=2
    )
    physical_progress = forms.CharField(
        label=_label("physical_progress"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    workers_on_site = forms.IntegerField(label=_label("workers_on_site"), required=False, min_value=0)
    stage = forms.ChoiceField(label=_label("stage"), required=False)
    next_steps = forms.CharField(
        label=_label("next_steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    blockers = forms.CharField(
        label=_label("blockers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ProgressReport._meta.get_field("blockers").help_text,
    )
    confidence = forms.ChoiceField(
        label=_label("confidence"),
        required=False,
        choices=Confidence.choices,
        widget=forms.RadioSelect,
    )
    confidence_narrative = forms.CharField(
        label=_label("confidence_narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="交付信心不是“绿”时必填。",
    )
    warning_comment = forms.CharField(
        label=_label("warning_comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=ProgressReport._meta.get_field("warning_comment").help_text,
    )
    photos = MultiplePhotoField(label="添加照片", help_text="可一次选多张；支持 JPEG、PNG、WebP。")
    photo_caption = forms.CharField(
        label="照片说明", required=False, max_length=200, help_text="用于本次上传的全部照片，可不填。"
    )

    def __init__(self, *args, report, **kwargs):
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_from(report))
        super().__init__(*args, **kwargs)
        self.report = report
        project = report.project
        stages = [project.stage, *project_services.allowed_next_stages(project)]
        if report.stage and report.stage not in stages:
            stages.append(report.stage)
        labels = dict(ProgressReport._meta.get_field("stage").choices)
        self.fields["stage"].choices = [("", "—")] + [(str(stage), labels[stage]) for stage in stages]
        for name in INVESTMENT_FIELDS:
            attrs = self.fields[name].widget.attrs
            attrs.update(
                {"inputmode": "decimal", "autocomplete": "off", "class": "form-control form-control-lg"}
            )
        self.fields["investment_period"].widget.attrs["placeholder"] = "万元"
        for name, baseline in (
            ("investment_year_to_date", report.baseline_year_to_date),
            ("investment_since_start", report.baseline_since_start),
        ):
            self.fields[name].widget.attrs["placeholder"] = "留空自动推算"
            self.fields[name].help_text = f"留空时 = 上期 {baseline} + 本期。"
        self.fields["workers_on_site"].widget.attrs.update(
            {"inputmode": "numeric", "class": "form-control form-control-lg"}
        )
        self.fields["stage"].widget.attrs["class"] = "form-select form-select-lg"
        for name in (
            "physical_progress",
            "next_steps",
            "blockers",
            "confidence_narrative",
            "warning_comment",
        ):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["photo_caption"].widget.attrs["class"] = "form-control"

    @staticmethod
    def initial_from(report):
        initial = {name: getattr(report, name) for name in REPORT_FIELDS}
        for name in ("investment_year_to_date", "investment_since_start"):
            if _derived(report, name):
                initial[name] = None
        return initial

    def confidence_options(self):
        """[(bound radio, tone)] for the coloured confidence buttons."""
        return [
            (option, CONFIDENCE_TONES.get(option.data["value"], "green")) for option in self["confidence"]
        ]

    def report_values(self):
        values = {}
        data = self.cleaned_data
        given = {name: data[name] for name in INVESTMENT_FIELDS if data.get(name) is not None}
        # Nothing typed means the unit cleared the figures; something typed means derive the rest.
        values.update(given or {"investment_period": None})
        for name in REPORT_FIELDS:
            if name not in INVESTMENT_FIELDS:
                values[name] = data.get(name)
        return values

    def add_service_errors(self, error, *, findings=()):
        """Put the service's refusal on the form: on the field a message is about (from the model's
        error dict, or the `check_report` finding with that message), else at the top."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                target = name if name in self.fields and name != NON_FIELD_ERRORS else None
                self.add_error(target, messages)
            return
        fields = {finding.message: finding.field for finding in findings}
        needs_comment = False
        for message in error.messages:
            field = fields.get(message, "")
            if field in self.fields:
                self.add_error(field, message)
            else:
                self.add_error(None, message)
                needs_comment = needs_comment or "预警说明" in message
        if needs_comment:
            self.add_error("warning_comment", "校验提出了警告：请在此说明原因后再报送。")


class ReviewCommentForm(forms.Form):
    """The office's comment on approving a report (optional)."""

    prefix = "approve"
    comment = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class ReturnReportForm(forms.Form):
    prefix = "return"
    comment = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="写明需要修改什么，填报单位会在“我的填报”和填报页看到。",
        error_messages={"required": "退回须写明意见。"},
    )


class ReopenReportForm(forms.Form):
    prefix = "reopen"
    reason = forms.CharField(
        label="重新打开原因",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "重新打开须写明原因。"},
    )


def add_review_errors(form, error):
    """A review service's ValidationError on the review form (its field when named, else on top)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error)
