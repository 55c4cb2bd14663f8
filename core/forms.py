"""Form machinery shared by every app: choices limited to what the user may see, Bootstrap styling."""

from django import forms

from core.models import RestrictedQuerySet


class RestrictedModelForm(forms.ModelForm):
    """A ModelForm whose related-object choices only offer rows the user may view.

    Pass `user=`; a choice outside the user's scope is then rejected like a row that does not exist.
    """

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if user is not None and isinstance(queryset, RestrictedQuerySet):
                field.queryset = queryset.restrict(user, "view")
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text="支持 .xlsx、.xls、.ods、.csv；第一行（或标题行下面的那一行）为列名，列名与导出文件相同。",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.xlsm,.ods,.csv"}
        ),
    )
