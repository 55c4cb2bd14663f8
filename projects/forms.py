import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.forms import RestrictedModelForm
from org.models import Leader

from . import services
from .choices import STAGE_ORDER, FactorStatus, MilestoneKind, Stage
from .models import (
    YEAR,
    AnnualPlan,
    Event,
    FactorNeed,
    IndustryChain,
    Milestone,
    Project,
    ProjectFunding,
)

CENT = Decimal("0.01")
MONTH_SEPARATORS = re.compile(r"[、,，;；\s\[\]'\"]+")


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def add_service_errors(form, error):
    """Put a service's ValidationError on the form: on its field when the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, messages)


def planned_years_error(start, end):
    if start is not None and end is not None and end < start:
        return f"计划竣工年份（{end}）不能早于计划开工年份（{start}）。"
    return None


def not_after_today(value, label):
    if value is not None and value > datetime.date.today():
        raise ValidationError(f"{label}不能晚于今天。")
    return value


class LabelledChoiceField(forms.TypedChoiceField):
    """Accepts a choice's Chinese label as well as its value: spreadsheets write labels, and the
    importer matches existing rows on key fields (e.g. 资金来源) before it translates labels."""

    def to_python(self, value):
        value = super().to_python(value)
        labels = {str(label): key for key, label in self.choices}
        return labels.get(value, value)


def labelled_choice(model, name):
    return model._meta.get_field(name).formfield(choices_form_class=LabelledChoiceField)


class MonthAmountsInput(forms.TextInput):
    """Twelve monthly figures in one box ("83.33、83.33、…"); also reads a list of values."""

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(str(item) for item in value)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, list | tuple):
            return "、".join(str(item) for item in values)
        return values


class MonthAmountsField(forms.Field):
    widget = MonthAmountsInput

    def to_python(self, value):
        if isinstance(value, list | tuple):
            value = "、".join(str(item) for item in value)
        parts = [part for part in MONTH_SEPARATORS.split(str(value or "")) if part]
        amounts = []
        for part in parts:
            try:
                amount = Decimal(part)
            except InvalidOperation:
                raise ValidationError(f"分月计划中的“{part}”不是数字。") from None
            if amount < 0:
                raise ValidationError("分月计划不能有负数。")
            amounts.append(amount.quantize(CENT))
        return amounts


class IndustryChainForm(RestrictedModelForm):
    class Meta:
        model = IndustryChain
        fields = ["name", "sort_order", "is_active"]


class ProjectForm(RestrictedModelForm):
    """Creating a project registers it (code, first stage, start of the timeline) through
    `services.register_project`; the stage itself changes only through `services.change_stage`."""

    code = forms.CharField(label="项目编码", required=False, disabled=True, help_text="登记时自动生成。")
    initial_stage = forms.ChoiceField(
        label="初始阶段",
        choices=[(stage.value, stage.label) for stage in STAGE_ORDER],
        initial=Stage.SIGNED,
        required=False,
    )
    registered_on = forms.DateField(
        label="登记日期", required=False, widget=date_input(), help_text="进入初始阶段的日期；不填为今天。"
    )

    field_order = ["code"]

    class Meta:
        model = Project
        fields = [
            "name",
            "region",
            "introducing_unit",
            "responsible_unit",
            "cooperating_units",
            "liaison_leader",
            "task_force",
            "is_provincial_key",
            "is_city_key",
            "is_district_key",
            "is_provincial_large",
            "is_major",
            "category",
            "industry",
            "industry_chain",
            "emerging_industry",
            "construction_content",
            "address",
            "latitude",
            "longitude",
            "investor_name",
            "investor_credit_code",
            "planned_start_year",
            "planned_end_year",
            "actual_start_year",
            "actual_end_year",
            "total_investment",
            "invested_to_date",
        ]
        widgets = {"construction_content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["initial_stage"], self.fields["registered_on"]
            self.initial["code"] = self.instance.code
        else:
            # The importer matches rows on 项目编码; a new project gets its code when registered.
            code = self.fields["code"]
            code.disabled, code.widget = False, forms.HiddenInput()

    def clean_code(self):
        code = self.cleaned_data.get("code", "")
        if not self.instance.pk and code:
            raise ValidationError(f"找不到项目编码“{code}”；新项目不填编码，登记时自动生成。")
        return self.instance.code

    def clean_registered_on(self):
        return not_after_today(self.cleaned_data.get("registered_on"), "登记日期")

    def clean(self):
        cleaned = super().clean()
        message = planned_years_error(cleaned.get("planned_start_year"), cleaned.get("planned_end_year"))
        if message:
            self.add_error("planned_end_year", message)
        return cleaned

    def save(self, commit=True):
        if self.instance.pk or not commit:
            return super().save(commit)
        return services.register_project(
            self.instance,
            stage=self.cleaned_data.get("initial_stage") or Stage.SIGNED,
            on=self.cleaned_data.get("registered_on"),
            actor=self.user,
            cooperating_units=self.cleaned_data.get("cooperating_units") or (),
        )


class ProjectFundingForm(RestrictedModelForm):
    source = labelled_choice(ProjectFunding, "source")

    class Meta:
        model = ProjectFunding
        fields = ["project", "source", "amount"]


class AnnualPlanForm(RestrictedModelForm):
    month_amounts = MonthAmountsField(
        label=AnnualPlan._meta.get_field("month_amounts").verbose_name,
        required=False,
        help_text="12 个月的计划投资，用顿号或逗号分隔；不填则按年度数逐月平均分配（尾差计入 12 月）。",
    )

    class Meta:
        model = AnnualPlan
        fields = ["project", "year", "amount", "month_amounts"]

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        if amount is not None and "month_amounts" in cleaned:
            try:
                cleaned["month_amounts"] = [
                    str(month) for month in services.monthly_plan(amount, cleaned["month_amounts"])
                ]
            except ValidationError as error:
                add_service_errors(self, error)
        return cleaned


class MilestoneForm(RestrictedModelForm):
    kind = labelled_choice(Milestone, "kind")

    class Meta:
        model = Milestone
        fields = ["project", "kind", "planned_on", "actual_on"]
        widgets = {"planned_on": date_input(), "actual_on": date_input()}

    def clean_actual_on(self):
        return not_after_today(self.cleaned_data.get("actual_on"), "实际日期")


class EventForm(RestrictedModelForm):
    class Meta:
        model = Event
        fields = ["name", "kind", "held_on", "place", "region", "projects"]
        widgets = {"held_on": date_input()}


class FactorNeedForm(RestrictedModelForm):
    class Meta:
        model = FactorNeed
        fields = [
            "project",
            "kind",
            "description",
            "quantity",
            "unit_of_measure",
            "needed_by",
            "status",
            "secured_on",
        ]
        widgets = {"needed_by": date_input(), "secured_on": date_input()}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == FactorStatus.SECURED and not cleaned.get("secured_on"):
            self.add_error("secured_on", "状态为“已保障”时须填写保障日期。")
        return cleaned


class ActionForm(forms.Form):
    """A form posted from the project page to a workflow; styled like the edit forms."""

    def __init__(self, *args, project, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project, self.user = project, user
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ChangeStageForm(ActionForm):
    prefix = "stage"
    to_stage = forms.ChoiceField(label="新阶段")
    effective_on = forms.DateField(label="变更日期", initial=datetime.date.today, widget=date_input())
    reason = forms.CharField(
        label="原因", required=False, max_length=200, help_text="变更为“停缓建”或“取消”时必填。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        to_stage = self.fields["to_stage"]
        to_stage.choices = [
            (stage.value, stage.label) for stage in services.allowed_next_stages(self.project)
        ]
        to_stage.error_messages["invalid_choice"] = (
            f"项目当前为“{self.project.get_stage_display()}”，不能变更为所选阶段。"
        )

    def clean_effective_on(self):
        return not_after_today(self.cleaned_data.get("effective_on"), "变更日期")

    def change_stage(self, *, actor):
        """Call the service; its refusal becomes a form error. Returns the transition or None."""
        try:
            return services.change_stage(
                self.project,
                to_stage=self.cleaned_data["to_stage"],
                on=self.cleaned_data["effective_on"],
                reason=self.cleaned_data["reason"],
                actor=actor,
            )
        except ValidationError as error:
            add_service_errors(self, error)
            return None


class AdjustPlanForm(ActionForm):
    prefix = "adjust"
    reason = forms.CharField(label="调整原因", widget=forms.Textarea(attrs={"rows": 2}))
    approver = forms.ModelChoiceField(queryset=Leader.objects.all(), label="批准领导")
    approved_on = forms.DateField(label="批准日期", initial=datetime.date.today, widget=date_input())
    total_investment = forms.DecimalField(
        label="调整后总投资（万元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    planned_start_year = forms.IntegerField(
        label="调整后计划开工年份", required=False, validators=YEAR["validators"]
    )
    planned_end_year = forms.IntegerField(
        label="调整后计划竣工年份", required=False, validators=YEAR["validators"]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        approver = self.fields["approver"]
        approver.queryset = approver.queryset.restrict(self.user, "view").select_related("person")
        project = self.project
        self.fields["total_investment"].initial = project.total_investment
        self.fields["planned_start_year"].initial = project.planned_start_year
        self.fields["planned_end_year"].initial = project.planned_end_year
        self.current_dates = {m.kind: m.planned_on for m in project.milestones.all()}
        for kind in MilestoneKind:
            self.fields[f"milestone_{kind.value}"] = forms.DateField(
                label=f"{kind.label}计划日期",
                required=False,
                initial=self.current_dates.get(kind.value),
                widget=date_input(),
            )
            self.fields[f"milestone_{kind.value}"].widget.attrs["class"] = "form-control"

    def milestone_fields(self):
        return [self[f"milestone_{kind.value}"] for kind in MilestoneKind]

    def plan_fields(self):
        return [self[name] for name in ("total_investment", "planned_start_year", "planned_end_year")]

    def clean_approved_on(self):
        return not_after_today(self.cleaned_data.get("approved_on"), "批准日期")

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("planned_start_year") or self.project.planned_start_year
        end = cleaned.get("planned_end_year") or self.project.planned_end_year
        message = planned_years_error(start, end)
        if message:
            self.add_error("planned_end_year", message)
        return cleaned

    def changed_milestones(self):
        changed = {}
        for kind in MilestoneKind:
            value = self.cleaned_data.get(f"milestone_{kind.value}")
            if value is not None and value != self.current_dates.get(kind.value):
                changed[kind.value] = value
        return changed

    def adjust_plan(self, *, actor):
        """Call the service; its refusal becomes a form error. Returns the adjustment or None."""
        data = self.cleaned_data
        try:
            return services.adjust_plan(
                self.project,
                reason=data["reason"],
                approver=data["approver"],
                approved_on=data["approved_on"],
                actor=actor,
                total_investment=data.get("total_investment"),
                planned_start_year=data.get("planned_start_year"),
                planned_end_year=data.get("planned_end_year"),
                milestone_dates=self.changed_milestones(),
            )
        except ValidationError as error:
            add_service_errors(self, error)
            return None
