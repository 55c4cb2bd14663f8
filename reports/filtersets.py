import django_filters

from core.filtersets import BaseFilterSet

from .choices import LETTER_KINDS
from .models import DocumentTemplate, LetterIssue


class DocumentTemplateFilterSet(BaseFilterSet):
    search_fields = ("name", "original_name", "note", "issuer_name")

    class Meta:
        model = DocumentTemplate
        fields = ["q", "kind", "is_active"]


class LetterIssueFilterSet(BaseFilterSet):
    search_fields = ("number", "title", "addressee", "project__code", "project__name", "matter__code")
    kind = django_filters.ChoiceFilter(
        choices=[(kind.value, kind.label) for kind in LETTER_KINDS], label="函件类型"
    )
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label="成文日期起")
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label="成文日期止")

    class Meta:
        model = LetterIssue
        fields = ["q", "kind", "year", "issued_from", "issued_to"]
