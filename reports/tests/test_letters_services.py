"""Issuing letters and keeping templates (services): the generated .docx, numbering per kind and year,
the office's template used, bad uploads refused with nothing stored, the permission and the subject's
state checked, history recorded."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from reports import services
from reports.choices import DocumentKind
from reports.letters.contexts import context_checksum
from reports.models import DocumentTemplate, LetterIssue
from reports.tests import test_letters_scene as letters_scene
from reports.tests.test_letters_scene import (
    LETTER_DAY,
    REPORTING_REASON,
    START_REASON,
    document_text,
    docx_with,
    stored_files,
)

pytestmark = pytest.mark.django_db
D = datetime.date
RED_DAY = D(2024, 7, 2)


@pytest.fixture
def media(settings, tmp_path):
    return letters_scene.temporary_media(settings, tmp_path)


@pytest.fixture
def scene(world, media):
    return letters_scene.build_scene(world)


def counts():
    return (
        LetterIssue.objects.count(),
        LetterIssue.history.count(),
        DocumentTemplate.objects.count(),
        DocumentTemplate.history.count(),
    )


def read(issue):
    with issue.file.open("rb") as handle:
        return handle.read()


def test_issuing_a_reminder_letter_stores_the_numbered_docx_with_its_data(scene):
    issue = services.issue_letter(scene.project, kind="reminder_letter", actor=scene.world.office, on=RED_DAY)

    assert (issue.kind, issue.year, issue.sequence, issue.number) == (
        "reminder_letter",
        2024,
        1,
        "南康项办提〔2024〕1号",
    )
    assert (issue.project, issue.matter, issue.light, issue.template) == (
        scene.project,
        None,
        scene.light,
        None,
    )
    assert (issue.addressee, issue.issued_on, issue.issued_by) == (
        "唐江镇人民政府",
        RED_DAY,
        scene.world.office,
    )
    assert issue.title == "关于实木家具智能制造项目（测试）亮红灯的提醒函"
    assert issue.context["number"] == "南康项办提〔2024〕1号"
    assert issue.context_checksum == context_checksum(issue.context)
    data = read(issue)
    document = Document(io.BytesIO(data))
    text = document_text(data)
    assert "南康项办提〔2024〕1号" in text
    assert "关于实木家具智能制造项目（测试）亮红灯的提醒函" in text
    assert "唐江镇人民政府：" in text
    assert f"1. 逾期 3 个月未开工：{START_REASON['text']}。" in text
    assert f"2. 调度漏报：{REPORTING_REASON['text']}。" in text
    assert (
        "按照预警规则，由甲镇领导（镇长）约谈唐江镇人民政府主要负责人；通报唐江镇人民政府，限期补报。" in text
    )
    assert "于2024年7月9日前（5个工作日内）" in text
    assert "抄送：甲镇领导（镇长）。" in text
    assert (document.sections[0].page_width.twips, document.sections[0].page_height.twips) == (11906, 16838)
    record = issue.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        scene.world.office,
        "签发提醒函",
    )


def test_issuing_a_supervision_letter_for_an_overdue_matter(scene):
    issue = services.issue_letter(
        scene.matter, kind="supervision_letter", actor=scene.world.office, on=LETTER_DAY
    )

    assert (issue.number, issue.matter, issue.project, issue.light) == (
        "南康项办督〔2024〕1号",
        scene.matter,
        None,
        None,
    )
    text = document_text(read(issue))
    assert f"2024年3月1日交办你单位牵头办理的“项目用地未交地”（事项编号{scene.matter.code}" in text
    assert (
        "办结期限为2024年3月8日。截至2024年3月13日，该事项仍未办结，已逾期3个工作日，现由挂点联系领导层级督办。"
        in text
    )
    assert "加快土地报批，3 月底前完成交地。" in text
    assert "请你单位在责任领导甲镇领导（镇长）的督促下，会同南康区自然资源局，" in text
    assert "责任人：甲镇联络员。" in text


def test_numbers_run_per_kind_and_per_year(scene):
    office = scene.world.office
    first = services.issue_letter(scene.project, kind="reminder_letter", actor=office, on=RED_DAY)
    second = services.issue_letter(scene.project_b, kind="reminder_letter", actor=office, on=RED_DAY)
    supervision = services.issue_letter(scene.matter, kind="supervision_letter", actor=office, on=LETTER_DAY)
    next_year = services.issue_letter(scene.project, kind="reminder_letter", actor=office, on=D(2025, 1, 6))

    assert [issue.number for issue in (first, second, supervision, next_year)] == [
        "南康项办提〔2024〕1号",
        "南康项办提〔2024〕2号",
        "南康项办督〔2024〕1号",
        "南康项办提〔2025〕1号",
    ]
    assert services.next_letter_sequence("reminder_letter", 2024) == 3


def test_the_offices_uploaded_template_is_used_with_its_settings(scene, media):
    upload = SimpleUploadedFile(
        "南康提醒函.docx",
        docx_with(
            "本县自定义提醒函",
            "{{ number }}",
            "{{ issuer_name }}致{{ addressee.unit }}",
            "{{ reply_deadline }}",
        ),
    )
    template = services.upload_template(
        upload,
        kind="reminder_letter",
        actor=scene.world.office,
        issuer_name="南康区重点项目推进办公室",
        number_prefix="南康项推办",
        reply_working_days=10,
    )
    assert (template.name, template.is_active, template.variables) == (
        "南康提醒函",
        True,
        ["number", "issuer_name", "addressee", "reply_deadline"],
    )

    issue = services.issue_letter(scene.project, kind="reminder_letter", actor=scene.world.office, on=RED_DAY)

    assert issue.template == template
    # Ten working days after Tuesday 2 July 2024 is Tuesday 16 July.
    assert document_text(read(issue)) == (
        "本县自定义提醒函\n南康项推办〔2024〕1号\n南康区重点项目推进办公室致唐江镇人民政府\n2024年7月16日"
    )
    # Put back to the built-in template, the next letter uses it again.
    services.deactivate_template(template, actor=scene.world.office)
    again = services.issue_letter(scene.project, kind="reminder_letter", actor=scene.world.office, on=RED_DAY)
    assert again.template is None and "本县自定义提醒函" not in document_text(read(again))
    assert again.number == "南康项办提〔2024〕2号"


def test_one_template_per_kind_is_in_force(scene):
    office = scene.world.office

    def upload(name, kind="reminder_letter"):
        return services.upload_template(
            SimpleUploadedFile(f"{name}.docx", docx_with("{{ number }}")), kind=kind, actor=office
        )

    first, second = upload("第一版"), upload("第二版")
    supervision = upload("督办函", kind="supervision_letter")
    first.refresh_from_db()
    assert [(t.name, t.is_active) for t in (first, second, supervision)] == [
        ("第一版", False),
        ("第二版", True),
        ("督办函", True),
    ]
    services.activate_template(first, actor=office)
    assert services.template_in_force("reminder_letter") == first
    assert services.template_in_force(DocumentKind.SUPERVISION_LETTER) == supervision
    assert set(DocumentTemplate.objects.filter(is_active=True).values_list("name", flat=True)) == {
        "第一版",
        "督办函",
    }
    reasons = [record.history_change_reason for record in second.history.order_by("history_id")]
    assert reasons == ["上传提醒函模板", "上传提醒函模板", "启用提醒函模板"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "提醒函.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word",
            "文件“提醒函.doc”不是有效的 Word 文档（.docx）。"
            "请在 WPS 或 Word 中打开后“另存为”Word 文档（*.docx）"
            "再上传（旧版 .doc、PDF、WPS 格式均不能作为模板）。",
        ),
        (
            "提醒函.docx",
            docx_with("{{ number }}{{ project.manager }}"),
            "文件“提醒函.docx”使用了提醒函模板中没有的变量：“project.manager”。请改用“可用变量”中列出的变量名。",
        ),
    ],
)
def test_a_bad_upload_is_refused_with_nothing_stored(scene, media, name, data, message):
    before, files = counts(), stored_files(media)

    with pytest.raises(ValidationError) as refused:
        services.upload_template(
            SimpleUploadedFile(name, data), kind="reminder_letter", actor=scene.world.office
        )

    assert refused.value.message_dict == {"file": [message]}
    assert counts() == before and stored_files(media) == files


def test_a_project_that_is_not_red_gets_no_letter_and_nothing_is_stored(scene, media):
    before, files = counts(), stored_files(media)

    with pytest.raises(ValidationError) as refused:
        services.issue_letter(
            scene.green_project, kind="reminder_letter", actor=scene.world.office, on=RED_DAY
        )

    assert refused.value.messages == [
        "项目“唐江农产品加工项目（测试）”最近一次亮绿灯，只能对亮红灯的项目发提醒函。"
    ]
    assert counts() == before and stored_files(media) == files
    assert services.letter_subject_error(scene.green_project) == refused.value.messages[0]
    assert services.letter_subject_error(scene.project) == ""


def test_a_matter_not_yet_overdue_gets_no_letter(scene):
    with pytest.raises(ValidationError, match="未逾期"):
        services.issue_letter(
            scene.matter, kind="supervision_letter", actor=scene.world.office, on=D(2024, 3, 7)
        )
    assert LetterIssue.objects.count() == 0


def test_a_letter_of_one_kind_is_refused_for_the_other_kinds_subject(scene):
    with pytest.raises(ValidationError) as refused:
        services.issue_letter(scene.matter, kind="reminder_letter", actor=scene.world.office, on=RED_DAY)
    assert refused.value.messages == ["提醒函只能针对项目签发。"]
    with pytest.raises(ValidationError) as refused:
        services.issue_letter(scene.project, kind="special_report", actor=scene.world.office)
    assert refused.value.message_dict == {"kind": ["“半月一专报”不是函件，不能单独签发。"]}


def test_only_the_office_within_its_grant_may_issue(scene, media):
    world = scene.world
    before, files = counts(), stored_files(media)

    # A unit reporter sees its project but issues no letters; the township-A office none about township B.
    for actor, subject, kind in (
        (world.reporter_a, scene.project, "reminder_letter"),
        (world.reporter_a, scene.matter, "supervision_letter"),
        (scene.office_a, scene.project_b, "reminder_letter"),
        (scene.office_a, scene.matter_b, "supervision_letter"),
        (world.no_role, scene.project, "reminder_letter"),
    ):
        with pytest.raises(PermissionDenied):
            services.issue_letter(subject, kind=kind, actor=actor, on=RED_DAY)
    assert counts() == before and stored_files(media) == files

    issue = services.issue_letter(scene.project, kind="reminder_letter", actor=scene.office_a, on=RED_DAY)
    assert issue.issued_by == scene.office_a
    assert services.may_issue_letter(scene.office_a, scene.matter)
    assert not services.may_issue_letter(world.reporter_a, scene.matter)
    assert list(services.subjects_for_letters(scene.office_a, type(scene.project)).order_by("code")) == [
        scene.project,
        scene.green_project,
    ]


def test_uploading_needs_the_add_permission_on_templates(scene):
    with pytest.raises(PermissionDenied):
        services.upload_template(
            SimpleUploadedFile("t.docx", docx_with("{{ number }}")),
            kind="reminder_letter",
            actor=scene.world.reporter_a,
        )
    assert DocumentTemplate.objects.count() == 0
