"""What each kind of document is: its documented variables, its built-in template, the name its files
get and, for a letter, the model of its subject. The 专报 adds its kinds here with the same parts, and
the template pages, the upload check and the renderer then work for them unchanged."""

from dataclasses import dataclass

from django.apps import apps

from reports.special.variables import SPECIAL_REPORT_VARIABLES

from ..choices import DocumentKind
from .builtin import build_builtin_template
from .variables import REMINDER_LETTER_VARIABLES, SUPERVISION_LETTER_VARIABLES


@dataclass(frozen=True)
class KindSpec:
    """One kind of document: `variables` (reports.letters.variables), `subject` ("app.Model" a letter
    is about, "" for a document about no single record) and the label used in file names."""

    kind: DocumentKind
    variables: tuple
    subject: str = ""

    @property
    def label(self):
        return DocumentKind(self.kind).label

    @property
    def subject_model(self):
        return apps.get_model(self.subject) if self.subject else None

    def builtin_template(self):
        """The built-in template of this kind (.docx bytes)."""
        return build_builtin_template(self.kind)


KINDS = {
    DocumentKind.REMINDER_LETTER: KindSpec(
        DocumentKind.REMINDER_LETTER, REMINDER_LETTER_VARIABLES, "projects.Project"
    ),
    DocumentKind.SUPERVISION_LETTER: KindSpec(
        DocumentKind.SUPERVISION_LETTER, SUPERVISION_LETTER_VARIABLES, "matters.Matter"
    ),
    DocumentKind.SPECIAL_REPORT: KindSpec(DocumentKind.SPECIAL_REPORT, SPECIAL_REPORT_VARIABLES),
}


def spec_for(kind):
    """The KindSpec of `kind` (a DocumentKind or its value)."""
    return KINDS[DocumentKind(kind)]
