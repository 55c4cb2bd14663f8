"""Workflows of the document templates and the letters: uploading a template (checked against its
kind's variables), putting one in force or back to the built-in, and issuing a letter.

Each takes `actor` keyword-only (None is the system: a command run by the operator), runs in one
transaction with a history context and returns the object. Refusals are ValidationError (Chinese,
naming what is wrong) or PermissionDenied, and leave the database and the media folder as they were.

Issuing a letter is the office's: the "review" permission on letters (`reports.review_letterissue`,
granted to 项目办 like `dispatch.review_progressreport`) through a grant that covers the subject — the
project or matter must lie within the units and regions of the user's grants carrying it.
"""

import hashlib
import uuid
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.db.models import Max
from django.utils import timezone

from core.history import history_context
from core.permissions import has_action, permission_name, scope_q, user_grants

from .choices import LETTER_KINDS, DocumentKind
from .letters import (
    check_template,
    context_checksum,
    issuer_for,
    letter_number,
    overdue_matter_letter_context,
    red_project_letter_context,
    render_document,
    spec_for,
)
from .letters.contexts import latest_light, overdue_refusal, overdue_state, red_light_refusal
from .models import DocumentTemplate, LetterIssue

# Two offices issuing the same kind in the same second may take the same number; the loser retries.
NUMBER_ATTEMPTS = 5


def _kind(kind, *, letters_only=False):
    try:
        kind = DocumentKind(kind)
    except ValueError:
        raise ValidationError({"kind": f"未知的文书类型“{kind}”。"}) from None
    if letters_only and kind not in LETTER_KINDS:
        raise ValidationError({"kind": f"“{kind.label}”不是函件，不能单独签发。"})
    return kind


# Templates ----------------------------------------------------------------------------------------


def template_in_force(kind):
    """The office's template in force for `kind`, or None (the built-in one is used)."""
    return DocumentTemplate.objects.filter(kind=kind, is_active=True).first()


def template_file(kind):
    """(template, .docx bytes) of the template in force for `kind`: the office's, or (None, built-in)."""
    template = template_in_force(kind)
    if template is None:
        return None, spec_for(kind).builtin_template()
    with template.file.open("rb") as handle:
        return template, handle.read()


def upload_template(upload, *, kind, actor, name="", activate=True, **settings):
    """Store an uploaded .docx as a template of `kind` and, with `activate`, put it in force (the one
    in force before is kept, no longer in force). `settings`: issuer_name, number_prefix, red_header,
    reply_working_days, note.

    The file is checked first (`reports.letters.rendering.check_template`): not a .docx, macros, a tag
    that does not parse, a variable the kind does not document or a failing trial fill is refused with
    a ValidationError on "file" naming the file and the variable; nothing is stored then."""
    kind = _kind(kind)
    if actor is not None and not has_action(actor, DocumentTemplate, "add"):
        raise PermissionDenied("您没有上传文书模板的权限。")
    spec = spec_for(kind)
    original_name = PurePath(getattr(upload, "name", "") or "模板.docx").name[:200]
    checked = check_template(upload, spec.variables, kind_label=spec.label, name=original_name)
    template = DocumentTemplate(
        kind=kind,
        name=(name or PurePath(original_name).stem).strip()[:100],
        original_name=original_name,
        checksum=hashlib.sha256(checked.data).hexdigest(),
        variables=list(checked.variables),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        **settings,
    )
    template.full_clean(exclude=["file"])
    try:
        with transaction.atomic(), history_context(actor=actor, reason=f"上传{spec.label}模板"):
            template.file.save(f"{uuid.uuid4().hex}.docx", ContentFile(checked.data), save=False)
            template.save()
            if activate:
                _put_in_force(template)
    except Exception:
        # The file is written before the row; a row that was never saved must not leave it behind.
        if template.file.name:
            template.file.storage.delete(template.file.name)
        raise
    return template


def _put_in_force(template):
    current = DocumentTemplate.objects.select_for_update().filter(kind=template.kind, is_active=True)
    for other in current.exclude(pk=template.pk):
        other.is_active = False
        other.save(update_fields=["is_active", "updated_at"])
    if not template.is_active:
        template.is_active = True
        template.save(update_fields=["is_active", "updated_at"])


def activate_template(template, *, actor):
    """Put `template` in force for its kind (the one in force before stays, no longer in force)."""
    if (
        actor is not None
        and not DocumentTemplate.objects.restrict(actor, "change").filter(pk=template.pk).exists()
    ):
        raise PermissionDenied("您没有启用文书模板的权限。")
    with transaction.atomic(), history_context(actor=actor, reason=f"启用{template.get_kind_display()}模板"):
        _put_in_force(template)
    return template


def deactivate_template(template, *, actor):
    """Take `template` out of force: its kind goes back to the built-in template."""
    if (
        actor is not None
        and not DocumentTemplate.objects.restrict(actor, "change").filter(pk=template.pk).exists()
    ):
        raise PermissionDenied("您没有停用文书模板的权限。")
    with transaction.atomic(), history_context(actor=actor, reason=f"停用{template.get_kind_display()}模板"):
        if template.is_active:
            template.is_active = False
            template.save(update_fields=["is_active", "updated_at"])
    return template


# Letters ------------------------------------------------------------------------------------------


def subjects_for_letters(user, model):
    """The rows of `model` (Project or Matter) `user` may issue letters about: those in the user's view
    scope that a grant carrying `reports.review_letterissue` covers."""
    rows = model.objects.restrict(user, "view")
    if not has_action(user, LetterIssue, "review"):
        return rows.none()
    if user.is_superuser:
        return rows
    places = user_grants(user).get(permission_name(LetterIssue, "review"))
    condition = scope_q(model, places, connections[rows.db].vendor, user)
    return rows.filter(condition) if condition else rows.none()


def may_issue_letter(user, subject):
    """Whether `user` may issue a letter about `subject` (a project or a matter)."""
    if user is None:
        return True
    return subjects_for_letters(user, type(subject)).filter(pk=subject.pk).exists()


def letter_subject_error(subject, *, on=None):
    """Why no letter may be issued about `subject` now (a Chinese sentence), or "" when one may: a
    project's latest light must be red, a matter must be open and overdue on `on` (today)."""
    from matters.models import Matter
    from projects.models import Project

    if isinstance(subject, Project):
        return red_light_refusal(subject, latest_light(subject))
    if isinstance(subject, Matter):
        on = on or timezone.localdate()
        state = overdue_state(subject, on) if not subject.is_closed else None
        return overdue_refusal(subject, state, on)
    return "只能对项目或事项发函。"


def next_letter_sequence(kind, year):
    """The next number of `kind` in `year` (1 for the first)."""
    last = LetterIssue.objects.filter(kind=kind, year=year).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def _context(subject, *, kind, issuer, on, number, light):
    if kind == DocumentKind.REMINDER_LETTER:
        return red_project_letter_context(subject, light=light, issuer=issuer, on=on, number=number)
    return overdue_matter_letter_context(subject, issuer=issuer, on=on, number=number)


def issue_letter(subject, *, kind, actor, on=None):
    """Issue a letter of `kind` about `subject`: a 提醒函 for a project whose latest light is red, a
    督办函 for a matter open and overdue on `on` (today by default). Fills the template in force (or
    the built-in one) from the letter's context and stores the `LetterIssue` with the next number of
    the kind in the year of `on`, the .docx, the context and its checksum, in one transaction.

    Refusals: PermissionDenied when the actor may not issue letters about the subject (see
    `may_issue_letter`); ValidationError (Chinese) for a subject of the wrong kind, a project that is
    not red, a matter closed or not overdue."""
    kind = _kind(kind, letters_only=True)
    spec = spec_for(kind)
    if not isinstance(subject, spec.subject_model):
        raise ValidationError(f"{spec.label}只能针对{spec.subject_model._meta.verbose_name}签发。")
    on = on or timezone.localdate()
    if not may_issue_letter(actor, subject):
        raise PermissionDenied(f"您不能对“{subject}”签发{spec.label}。")
    light = latest_light(subject) if kind == DocumentKind.REMINDER_LETTER else None
    template, data = template_file(kind)
    issuer = issuer_for(subject.region, kind=kind, actor=actor, template=template)
    for _attempt in range(NUMBER_ATTEMPTS):
        with transaction.atomic(), history_context(actor=actor, reason=f"签发{spec.label}"):
            sequence = next_letter_sequence(kind, on.year)
            number = letter_number(issuer.number_prefix, on.year, sequence)
            context = _context(subject, kind=kind, issuer=issuer, on=on, number=number, light=light)
            issue = LetterIssue(
                kind=kind,
                year=on.year,
                sequence=sequence,
                number=number,
                title=context["title"][:300],
                project=subject if kind == DocumentKind.REMINDER_LETTER else None,
                matter=subject if kind == DocumentKind.SUPERVISION_LETTER else None,
                light=light,
                addressee=context["addressee"]["unit"][:200],
                issued_on=on,
                issued_by=actor,
                issued_at=timezone.now(),
                template=template,
                context=context,
                context_checksum=context_checksum(context),
                is_synthetic=subject.is_synthetic,
            )
            document = render_document(data, context)
            try:
                with transaction.atomic():
                    issue.file.save(
                        f"{kind}-{on.year}-{sequence:04d}-{uuid.uuid4().hex[:8]}.docx",
                        ContentFile(document),
                        save=False,
                    )
                    issue.save()
            except IntegrityError:
                # Another letter took this number meanwhile: drop the file, take the next number.
                issue.file.storage.delete(issue.file.name)
                continue
            except Exception:
                if issue.file.name:
                    issue.file.storage.delete(issue.file.name)
                raise
            return issue
    raise ValidationError("发函编号冲突，请稍后再试。")


def letter_file_name(issue):
    """The name an issued letter downloads under: its number and title."""
    return f"{issue.number}{issue.title}.docx".replace("/", "／")
