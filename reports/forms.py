from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from core.forms import RestrictedModelForm

from .choices import DocumentKind
from .models import DocumentTemplate

# How the office's letters are issued, set with the template (the file itself is replaced by uploading).
SETTINGS_FIELDS = ("name", "issuer_name", "number_prefix", "red_header", "reply_working_days", "note")


def add_service_errors(form, error):
    """A service's ValidationError on the form: on its field when the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, messages)


class DocumentTemplateForm(RestrictedModelForm):
    """Editing a template's name and issuing settings; the file is replaced by uploading a new one."""

    class Meta:
        model = DocumentTemplate
        fields = SETTINGS_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class DocumentTemplateUploadForm(RestrictedModelForm):
    """Uploading a .docx template for one kind; the file is checked by `services.upload_template`."""

    file = forms.FileField(
        label="模板文件（.docx）",
        help_text="在 WPS 或 Word 中编辑下载的模板后另存为 .docx 上传；只能使用“可用变量”中列出的变量。",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )
    activate = forms.BooleanField(label="上传后立即启用", required=False, initial=True)

    class Meta:
        model = DocumentTemplate
        fields = ("kind", *SETTINGS_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "留空：使用文件名。"
        self.fields["kind"].choices = DocumentKind.choices

    def settings(self):
        """The issuing settings as `services.upload_template` takes them."""
        data = self.cleaned_data
        return {name: data[name] for name in SETTINGS_FIELDS if name != "name"}
