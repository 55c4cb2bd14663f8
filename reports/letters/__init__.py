"""Letters (提醒函 / 督办函) and the document-template machinery the 专报 reuses.

- `variables`: what a template of each kind may use (the contract with the office's templates);
- `contexts`: the letters' contexts, built from the records (selectors, plain dicts);
- `builtin`: the built-in templates in the GB/T 9704 layout, built with python-docx;
- `rendering`: checking an uploaded template and filling one (docxtpl, sandboxed);
- `kinds`: each kind's variables, built-in template and subject;
- `pdf`: LibreOffice conversion to PDF, where it is installed.

Issuing (numbering, storing, permissions) is `reports.services.issue_letter`.
"""

from .contexts import (
    Issuer,
    context_checksum,
    issuer_for,
    letter_number,
    overdue_matter_letter_context,
    red_project_letter_context,
)
from .kinds import KINDS, KindSpec, spec_for
from .rendering import CheckedTemplate, check_template, render_document

__all__ = [
    "KINDS",
    "CheckedTemplate",
    "Issuer",
    "KindSpec",
    "check_template",
    "context_checksum",
    "issuer_for",
    "letter_number",
    "overdue_matter_letter_context",
    "red_project_letter_context",
    "render_document",
    "spec_for",
]
