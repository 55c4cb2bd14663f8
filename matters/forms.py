"""Forms of the matters pages. The edit form of a matter saves through the engine — 交办 through
`services.assign_matter`, changes through `services.update_matter` — and each action form on the
matter page only reads input for one service call. Labels come from the models' verbose names."""

import ast
import json

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from core.forms import RestrictedModelForm

from . import services
from .choices import LEVEL_ORDER, NODE_ORDER, EscalationLevel, Node
from .models import ExtensionRequest, Matter, MatterKind, WorkdayOverride


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def add_service_errors(form, error):
    """A service's ValidationError on the form: on its field when the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, messages)


def _label(model, name):
    return model._meta.get_field(name).verbose_name


# 事项 -------------------------------------------------------------------------------------------


class MatterForm(RestrictedModelForm):
    """交办 (a new matter) and 修改交办信息 (an open one). A new matter's deadline is the date typed,
    else so many working days after the opening date, else the kind's 办结 clock. Once assigned, the
    kind, the opening date and the deadline stay (the deadline moves by extensions only)."""

    deadline_days = forms.IntegerField(
        label="办结时限（工作日）",
        required=False,
        min_value=1,
        max_value=250,
        help_text="不填办结期限时，按交办日期后这么多个工作日计算；都不填则按事项类型的办结时限。",
    )

    class Meta:
        model = Matter
        fields = [
            "kind",
            "title",
            "description",
            "source",
            "requester",
            "project",
            "category",
            "lead_unit",
            "cooperating_units",
            "responsible_leader",
            "responsible_person",
            "solution",
            "opened_on",
            "deadline",
            "deadline_days",
        ]
        widgets = {
            "opened_on": date_input(),
            "deadline": date_input(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "solution": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = self.fields["kind"].queryset.filter(is_active=True)
        self.fields["cooperating_units"].widget.attrs["size"] = 6
        if self.instance.pk:
            for name in ("kind", "opened_on", "deadline", "deadline_days"):
                del self.fields[name]
        else:
            self.fields["opened_on"].required = False
            self.fields["opened_on"].help_text = "不填为今天。"
            self.fields["deadline"].required = False
            self.fields["deadline"].help_text = "填写具体日期，或在下面填工作日数。"
            if not self.is_bound and not self.initial.get("opened_on"):
                self.initial["opened_on"] = timezone.localdate()

    def clean(self):
        data = super().clean()
        if not self.instance.pk and data.get("deadline") and data.get("deadline_days"):
            self.add_error("deadline_days", "办结期限请只填日期或工作日数之一。")
        return data

    def save(self, commit=True):
        """Save through the engine; a refusal raises the service's ValidationError / PermissionDenied
        (the view puts it on the form)."""
        data = self.cleaned_data
        if self.instance.pk:
            changes = {name: data[name] for name in services.EDITABLE_FIELDS if name in data}
            return services.update_matter(
                self.instance, actor=self.user, cooperating_units=list(data["cooperating_units"]), **changes
            )
        return services.assign_matter(
            self.instance,
            actor=self.user,
            deadline_days=data.get("deadline_days"),
            cooperating_units=list(data["cooperating_units"]),
        )


# 事项类型 ---------------------------------------------------------------------------------------


class NodeListField(forms.MultipleChoiceField):
    """The kind's nodes, ticked as checkboxes and kept in the loop's order."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        chosen = super().clean(value)
        return [str(node) for node in NODE_ORDER if node in chosen]


class ListTextarea(forms.Textarea):
    """A textarea that also accepts the list as several values, one item each (as a script posts it)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [value for value in values if value not in (None, "")]
        if len(values) > 1:
            return values
        return values[0] if values else None


class ListOfDictsField(forms.JSONField):
    """A list written as JSON (or as the Python-style list an Excel export shows), e.g. the kind's
    clocks; one item typed alone is read as a list of one."""

    widget = ListTextarea

    def _parse(self, text):
        try:
            return json.loads(text)
        except (TypeError, ValueError):
            pass
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise ValidationError("格式不正确：请按示例填写 JSON 列表。", code="invalid") from None

    def to_python(self, value):
        if self.disabled:
            return value
        if value in self.empty_values:
            return None
        items = value if isinstance(value, list) else [value]
        parsed = [self._parse(item) if isinstance(item, str) else item for item in items]
        if len(parsed) == 1:
            parsed = parsed[0]
        if isinstance(parsed, dict):
            parsed = [parsed]
        if not isinstance(parsed, list):
            raise ValidationError("须为列表（[ … ]）。", code="invalid")
        return parsed

    def bound_data(self, data, initial):
        return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class MatterKindForm(RestrictedModelForm):
    nodes = NodeListField(
        label=_label(MatterKind, "nodes"),
        choices=Node.choices,
        help_text="交办、销号必选；其余环节可不设。",
    )
    clocks = ListOfDictsField(
        label=_label(MatterKind, "clocks"),
        help_text=MatterKind._meta.get_field("clocks").help_text
        + ' 例：[{"code": "resolve", "name": "办结", "days": 15, "ends_at": "closed"}]',
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    escalation_ladder = ListOfDictsField(
        label=_label(MatterKind, "escalation_ladder"),
        required=False,
        help_text=MatterKind._meta.get_field("escalation_ladder").help_text
        + " 层级代码：liaison_leader、task_force、district_meeting。"
        + '例：[{"level": "liaison_leader", "after_days": 1}]',
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = MatterKind
        fields = [
            "name",
            "code",
            "code_prefix",
            "nodes",
            "clocks",
            "is_pausable",
            "escalation_ladder",
            "extension_approver",
            "yellow_window_days",
            "requires_evidence",
            "is_active",
            "sort_order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nodes"].widget.attrs["class"] = "list-unstyled mb-0"

    def clean_escalation_ladder(self):
        return self.cleaned_data.get("escalation_ladder") or []


class WorkdayOverrideForm(RestrictedModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["date", "is_working_day", "note"]
        widgets = {"date": date_input()}


# Actions on a matter ----------------------------------------------------------------------------


class ActionForm(forms.Form):
    """A form posted from the matter page to one service; styled like the edit forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CommentForm(ActionForm):
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(ActionForm):
    text = forms.CharField(
        label=_label(Matter, "feedback"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明已采取的措施、进展和结果。",
    )


class ReviewForm(ActionForm):
    decision = forms.ChoiceField(label="复核结论", choices=(("pass", "复核通过"), ("return", "退回重办")))
    comment = forms.CharField(
        label="复核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="退回时必填。"
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content when the engine attaches it."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            files = [clean_one(item, initial) for item in data if item]
        else:
            files = [clean_one(data, initial)] if data else []
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


class AttachmentForm(ActionForm):
    files = MultipleFileField(
        label="佐证材料", help_text="PDF、图片（JPEG/PNG/WebP）、Word（.docx）或 Excel（.xlsx），可多选。"
    )
    description = forms.CharField(label="说明", max_length=200, required=False)


class CloseForm(ActionForm):
    files = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text="销号前上传的佐证材料已列在上方；也可在此一并上传（PDF、图片、.docx、.xlsx）。",
    )
    description = forms.CharField(label="材料说明", max_length=200, required=False)
    comment = forms.CharField(label="销号意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(ActionForm):
    reason = forms.CharField(label="重新打开原因", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        label="新的办结期限", required=False, widget=date_input(), help_text="不填则沿用原期限。"
    )


class ExtensionRequestForm(ActionForm):
    requested_deadline = forms.DateField(
        label=_label(ExtensionRequest, "requested_deadline"), widget=date_input()
    )
    reason = forms.CharField(
        label=_label(ExtensionRequest, "reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideExtensionForm(ActionForm):
    decision = forms.ChoiceField(label="审批结论", choices=(("approve", "同意延期"), ("reject", "不同意")))
    comment = forms.CharField(
        label=_label(ExtensionRequest, "decision_comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不同意时必填。",
    )


class EscalateForm(ActionForm):
    to_level = forms.ChoiceField(label="升级至", required=False, help_text="不选则升至上一级。")
    reason = forms.CharField(label="升级原因", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, current_level=EscalationLevel.UNIT, **kwargs):
        super().__init__(*args, **kwargs)
        above = LEVEL_ORDER[LEVEL_ORDER.index(current_level) + 1 :]
        self.fields["to_level"].choices = [("", "上一级")] + [(level.value, level.label) for level in above]


class PauseForm(ActionForm):
    reason = forms.CharField(label="暂停原因", max_length=200, help_text="例如：等待企业补充材料。")


class NoteForm(ActionForm):
    text = forms.CharField(label="留言", widget=forms.Textarea(attrs={"rows": 2}))


class OverdueForm(forms.Form):
    as_of = forms.DateField(
        label="截至日期",
        required=False,
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )

    def as_of_date(self):
        if self.is_valid() and self.cleaned_data.get("as_of"):
            return self.cleaned_data["as_of"]
        return timezone.localdate()
