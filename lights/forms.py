from django import forms
from django.utils import timezone

from .models import RuleSet
from .rules import RulesError, parse_rules

RULES_FIELD = RuleSet._meta.get_field("text")
NOTE_FIELD = RuleSet._meta.get_field("note")
# A year either side of today is what a dry run is for; further is a typing mistake.
DRY_RUN_YEARS = 5


class RulesForm(forms.Form):
    """The rules file as the office edits it: checked line by line by the engine's reader; `rules`
    (the parsed file) and `rule_errors` ([(line, message)]) tell the page what it found."""

    text = forms.CharField(
        label=RULES_FIELD.verbose_name,
        help_text=RULES_FIELD.help_text,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "class": "form-control font-monospace rules-text",
                "rows": 28,
                "wrap": "off",
                "spellcheck": "false",
                "autocapitalize": "off",
                "autocomplete": "off",
            }
        ),
    )
    note = forms.CharField(
        label=NOTE_FIELD.verbose_name,
        max_length=NOTE_FIELD.max_length,
        required=False,
        help_text="例如：按 2024 年重点项目考核办法调整投资进度阈值。",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    as_of = forms.DateField(
        label="试算日期",
        required=False,
        help_text="试算按这一天的数据评价；不填为今天。",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = None
        self.rule_errors = []

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")
        try:
            self.rules = parse_rules(text)
        except RulesError as error:
            self.rule_errors = error.errors
            raise forms.ValidationError(
                [message for _, message in error.errors], code="invalid_rules"
            ) from None
        return text

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of") or timezone.localdate()
        today = timezone.localdate()
        if abs(day.year - today.year) > DRY_RUN_YEARS:
            raise forms.ValidationError(f"试算日期须在今天前后 {DRY_RUN_YEARS} 年之内。")
        return day

    @property
    def error_lines(self):
        return [line for line, _ in self.rule_errors]
