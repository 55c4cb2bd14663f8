import django_tables2 as tables

from core.tables import BaseTable

from .models import DocumentTemplate, LetterIssue


class DocumentTemplateTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = DocumentTemplate
        fields = (
            "name",
            "kind",
            "is_active",
            "original_name",
            "issuer_name",
            "number_prefix",
            "red_header",
            "reply_working_days",
            "uploaded_by",
            "uploaded_at",
            "note",
        )
        sequence = fields


class LetterIssueTable(BaseTable):
    number = tables.Column(linkify=True)
    project = tables.Column(linkify=True)
    matter = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = LetterIssue
        fields = (
            "number",
            "kind",
            "title",
            "addressee",
            "project",
            "matter",
            "issued_on",
            "issued_by",
            "issued_at",
            "template",
            "context_checksum",
        )
        sequence = fields
