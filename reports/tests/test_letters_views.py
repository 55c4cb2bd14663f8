"""The pages and the API of templates and letters as anonymous, no role, a unit reporter, the office and
an office whose grant does not cover the subject: out of scope is 404 and changes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from reports import services
from reports.letters.rendering import DOCX_CONTENT_TYPE
from reports.models import DocumentTemplate, LetterIssue
from reports.tests import test_letters_scene as letters_scene
from reports.tests.test_letters_scene import (
    document_text,
    docx_with,
    stored_files,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def media(settings, tmp_path):
    return letters_scene.temporary_media(settings, tmp_path)


@pytest.fixture
def scene(world, media):
    return letters_scene.build_scene(world)


def issue_url(kind, subject):
    return reverse("reports:letter_issue", kwargs={"kind": kind, "pk": subject.pk})


def snapshot(media):
    return (
        LetterIssue.objects.count(),
        LetterIssue.history.count(),
        DocumentTemplate.objects.count(),
        DocumentTemplate.history.count(),
        stored_files(media),
    )


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def letter(scene):
    """A reminder letter about the township-A project, issued by the county office."""
    return services.issue_letter(
        scene.project, kind="reminder_letter", actor=scene.world.office, on=D(2024, 7, 2)
    )


def test_the_office_issues_a_letter_from_the_project_page_and_downloads_it(scene, client):
    client.force_login(scene.world.office)
    page = client.get(scene.project.get_absolute_url()).content.decode()
    assert f'action="{issue_url("reminder_letter", scene.project)}"' in page and "生成提醒函" in page

    response = client.post(issue_url("reminder_letter", scene.project))

    issue = LetterIssue.objects.get()
    assert response.status_code == 302 and response["Location"] == issue.get_absolute_url()
    detail = client.get(issue.get_absolute_url())
    assert detail.status_code == 200
    assert "已生成提醒函" in detail.content.decode() and issue.number in detail.content.decode()
    download = client.get(reverse("reports:letterissue_file", kwargs={"pk": issue.pk}))
    assert download.status_code == 200 and download["Content-Type"] == DOCX_CONTENT_TYPE
    body = b"".join(download.streaming_content)
    assert issue.number in document_text(body) and "唐江镇人民政府：" in document_text(body)
    assert issue.number in client.get(reverse("reports:letterissue_list")).content.decode()
    # The project page now links to the letter issued.
    assert "已发提醒函 1 份" in client.get(scene.project.get_absolute_url()).content.decode()


def test_the_office_issues_a_supervision_letter_from_the_matter_page(scene, client):
    client.force_login(scene.world.office)
    page = client.get(scene.matter.get_absolute_url()).content.decode()
    assert "生成督办函" in page

    response = client.post(issue_url("supervision_letter", scene.matter))

    issue = LetterIssue.objects.get()
    assert response.status_code == 302 and (issue.kind, issue.matter) == ("supervision_letter", scene.matter)


def test_a_project_that_is_not_red_shows_why_and_a_post_changes_nothing(scene, client, media):
    client.force_login(scene.world.office)
    page = client.get(scene.green_project.get_absolute_url()).content.decode()
    assert "最近一次亮绿灯，只能对亮红灯的项目发提醒函。" in page and "disabled" in page
    before = snapshot(media)

    response = client.post(issue_url("reminder_letter", scene.green_project), follow=True)

    assert response.redirect_chain[-1][0] == scene.green_project.get_absolute_url()
    assert "最近一次亮绿灯，只能对亮红灯的项目发提醒函。" in response.content.decode()
    assert snapshot(media) == before


def test_anonymous_is_sent_to_login_and_changes_nothing(scene, client, media, letter):
    before = snapshot(media)
    for path in (
        reverse("reports:letterissue_list"),
        letter.get_absolute_url(),
        reverse("reports:letterissue_file", kwargs={"pk": letter.pk}),
        reverse("reports:documenttemplate_list"),
        reverse("reports:builtin_template", kwargs={"kind": "reminder_letter"}),
    ):
        assert client.get(path)["Location"].startswith("/login/"), path
    assert client.post(issue_url("reminder_letter", scene.project))["Location"].startswith("/login/")
    assert APIClient().get("/api/reports/letters/").status_code in (401, 403)
    assert APIClient().post(
        "/api/reports/letters/issue/", {"kind": "reminder_letter", "subject": scene.project.pk}
    ).status_code in (401, 403)
    assert snapshot(media) == before


def test_a_user_without_role_gets_nothing_and_changes_nothing(scene, client, media, letter):
    no_role = scene.world.no_role
    client.force_login(no_role)
    before = snapshot(media)

    assert client.get(reverse("reports:letterissue_list")).status_code == 403
    assert client.get(letter.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:letterissue_file", kwargs={"pk": letter.pk})).status_code == 404
    assert client.get(reverse("reports:documenttemplate_list")).status_code == 403
    assert (
        client.get(reverse("reports:builtin_template", kwargs={"kind": "reminder_letter"})).status_code == 403
    )
    assert client.post(issue_url("reminder_letter", scene.project)).status_code == 403
    assert api(no_role).get("/api/reports/letters/").status_code == 403
    payload = {"kind": "reminder_letter", "subject": scene.project.pk}
    assert api(no_role).post("/api/reports/letters/issue/", payload, format="json").status_code == 403
    assert snapshot(media) == before


def test_a_unit_reporter_reads_the_letters_about_its_projects_but_issues_none(scene, client, media, letter):
    reporter = scene.world.reporter_a
    client.force_login(reporter)
    before = snapshot(media)

    assert client.get(letter.get_absolute_url()).status_code == 200
    assert client.get(reverse("reports:letterissue_file", kwargs={"pk": letter.pk})).status_code == 200
    page = client.get(scene.project.get_absolute_url()).content.decode()
    assert "生成提醒函" not in page and "已发提醒函 1 份" in page
    assert client.post(issue_url("reminder_letter", scene.project)).status_code == 403
    assert (
        api(reporter)
        .post(
            "/api/reports/letters/issue/",
            {"kind": "reminder_letter", "subject": scene.project.pk},
            format="json",
        )
        .status_code
        == 403
    )
    # Township B's reporter does not see the letter at all.
    client.force_login(scene.world.reporter_b)
    assert client.get(letter.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:letterissue_file", kwargs={"pk": letter.pk})).status_code == 404
    assert api(scene.world.reporter_b).get(f"/api/reports/letters/{letter.pk}/").status_code == 404
    assert snapshot(media) == before


def test_out_of_scope_is_not_found_and_changes_nothing(scene, client, media):
    office_b_letter = services.issue_letter(
        scene.project_b, kind="reminder_letter", actor=scene.world.office, on=D(2024, 7, 2)
    )
    office_a = scene.office_a
    client.force_login(office_a)
    before = snapshot(media)

    # Township A's office may issue about township A's red project, and the page says so.
    assert "生成提醒函" in client.get(scene.project.get_absolute_url()).content.decode()
    assert client.get(scene.project_b.get_absolute_url()).status_code == 404
    assert client.post(issue_url("reminder_letter", scene.project_b)).status_code == 404
    assert client.post(issue_url("supervision_letter", scene.matter_b)).status_code == 404
    assert client.get(office_b_letter.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("reports:letterissue_file", kwargs={"pk": office_b_letter.pk})).status_code == 404
    )
    assert office_b_letter.number not in client.get(reverse("reports:letterissue_list")).content.decode()
    client_api = api(office_a)
    for kind, subject in (("reminder_letter", scene.project_b), ("supervision_letter", scene.matter_b)):
        response = client_api.post(
            "/api/reports/letters/issue/", {"kind": kind, "subject": subject.pk}, format="json"
        )
        assert response.status_code == 404
    assert client_api.get(f"/api/reports/letters/{office_b_letter.pk}/").status_code == 404
    assert client_api.get(f"/api/reports/letters/{office_b_letter.pk}/file/").status_code == 404
    assert client_api.get("/api/reports/letters/").json()["results"] == []
    assert snapshot(media) == before


def test_template_pages_upload_check_activate_and_download(scene, client, media):
    office = scene.world.office
    client.force_login(office)
    listing = client.get(reverse("reports:documenttemplate_list"))
    assert listing.status_code == 200 and "下载内置模板" in listing.content.decode()
    builtin = client.get(reverse("reports:builtin_template", kwargs={"kind": "supervision_letter"}))
    assert builtin.status_code == 200 and builtin["Content-Type"] == DOCX_CONTENT_TYPE
    assert "{{ matter.title }}" in document_text(builtin.content)
    before = snapshot(media)

    bad = client.post(
        reverse("reports:documenttemplate_add"),
        {
            "kind": "supervision_letter",
            "reply_working_days": "5",
            "activate": "on",
            "file": SimpleUploadedFile("督办函.docx", docx_with("{{ matter.deadlin }}")),
        },
    )
    assert bad.status_code == 400
    assert "文件“督办函.docx”使用了督办函模板中没有的变量：“matter.deadlin”。" in bad.content.decode()
    assert snapshot(media) == before

    good = client.post(
        reverse("reports:documenttemplate_add"),
        {
            "kind": "supervision_letter",
            "name": "县督办函",
            "reply_working_days": "3",
            "activate": "on",
            "file": SimpleUploadedFile("督办函.docx", docx_with("县督办函 {{ matter.deadline }}")),
        },
    )
    template = DocumentTemplate.objects.get()
    assert good.status_code == 302 and good["Location"] == template.get_absolute_url()
    assert (template.name, template.is_active, template.reply_working_days) == ("县督办函", True, 3)
    detail = client.get(template.get_absolute_url()).content.decode()
    assert "停用（改用内置模板）" in detail and "matter.deadline" in detail
    download = client.get(reverse("reports:documenttemplate_file", kwargs={"pk": template.pk}))
    assert document_text(b"".join(download.streaming_content)) == "县督办函 {{ matter.deadline }}"
    assert (
        client.post(reverse("reports:documenttemplate_deactivate", kwargs={"pk": template.pk})).status_code
        == 302
    )
    template.refresh_from_db()
    assert not template.is_active
    # The issuing settings are edited on the template's edit page, recorded with the user.
    edited = client.post(
        reverse("reports:documenttemplate_edit", kwargs={"pk": template.pk}),
        {
            "name": "县督办函",
            "issuer_name": "",
            "number_prefix": "南康督",
            "reply_working_days": "3",
            "note": "",
        },
    )
    assert edited.status_code == 302
    template.refresh_from_db()
    assert template.number_prefix == "南康督" and template.history.latest().history_user == office
    changelog = client.get(reverse("reports:documenttemplate_changelog", kwargs={"pk": template.pk}))
    assert "文号前缀" in changelog.content.decode() and "南康督" in changelog.content.decode()
    # Others may read templates but not switch them: 404, unchanged.
    client.force_login(scene.world.reporter_a)
    assert client.get(template.get_absolute_url()).status_code == 200
    assert (
        client.post(reverse("reports:documenttemplate_activate", kwargs={"pk": template.pk})).status_code
        == 404
    )
    assert client.get(reverse("reports:documenttemplate_add")).status_code == 403
    template.refresh_from_db()
    assert not template.is_active


def test_api_issues_lists_and_downloads_letters(scene, media):
    client_api = api(scene.world.office)

    created = client_api.post(
        "/api/reports/letters/issue/",
        {"kind": "supervision_letter", "subject": scene.matter.pk},
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["matter"], body["project"]) == ("supervision_letter", scene.matter.pk, None)
    assert (
        body["number"].startswith("南康项办督〔") and body["context"]["matter"]["code"] == scene.matter.code
    )
    listed = client_api.get("/api/reports/letters/").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    download = client_api.get(body["file_url"])
    assert download.status_code == 200
    assert body["number"] in document_text(b"".join(download.streaming_content))
    refused = client_api.post(
        "/api/reports/letters/issue/",
        {"kind": "reminder_letter", "subject": scene.green_project.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == ["项目“唐江农产品加工项目（测试）”最近一次亮绿灯，只能对亮红灯的项目发提醒函。"]
    assert client_api.post("/api/reports/letters/", {}, format="json").status_code == 405
    assert LetterIssue.objects.count() == 1


def test_api_uploads_templates_and_refuses_bad_ones(scene, media):
    client_api = api(scene.world.office)
    before = snapshot(media)

    bad = client_api.post(
        "/api/reports/templates/",
        {"kind": "reminder_letter", "file": SimpleUploadedFile("坏.docx", b"not a zip")},
        format="multipart",
    )
    assert bad.status_code == 400 and "文件“坏.docx”不是有效的 Word 文档" in bad.json()["file"][0]
    assert snapshot(media) == before

    good = client_api.post(
        "/api/reports/templates/",
        {
            "kind": "reminder_letter",
            "file": SimpleUploadedFile("好.docx", docx_with("{{ number }}")),
            "red_header": True,
        },
        format="multipart",
    )
    assert good.status_code == 201, good.content
    assert (good.json()["name"], good.json()["is_active"], good.json()["red_header"]) == ("好", True, True)
    builtin = client_api.get("/api/reports/templates/builtin/", {"kind": "reminder_letter"})
    assert builtin.status_code == 200 and "{{ number }}" in document_text(builtin.content)
    assert client_api.get("/api/reports/templates/builtin/", {"kind": "x"}).status_code == 400
    reporter = api(scene.world.reporter_a)
    assert reporter.get("/api/reports/templates/").status_code == 200
    upload = {"kind": "reminder_letter", "file": SimpleUploadedFile("x.docx", docx_with("{{ number }}"))}
    assert reporter.post("/api/reports/templates/", upload, format="multipart").status_code == 403
    assert reporter.post(f"/api/reports/templates/{good.json()['id']}/deactivate/").status_code == 403
    assert DocumentTemplate.objects.get().is_active
