"""The reporting pages: 我的填报, the fill page (same result as the services, messages in place, input
kept), site photos (type, size, pixels, orientation, served only in scope), and the office's review
actions — each denied action answers 404 and leaves the database as it was."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from dispatch import services
from dispatch.choices import ReportAction, ReportStatus
from dispatch.models import Cadence, ProgressReport, ReportPhoto, ReportReview
from dispatch.photos import prepare_photo
from projects import services as project_services
from projects.choices import Stage
from projects.models import Project

pytestmark = pytest.mark.django_db
W = Decimal
# The fields a page or a service writes on a report: a page and the service must leave the same values.
WRITTEN = (
    *services.REPORT_FIELDS,
    "status",
    "baseline_year_to_date",
    "baseline_since_start",
    "review_comment",
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def project(world, name, *, unit=None, invested="1000"):
    unit = unit or world.unit_a
    row = Project(
        name=name,
        region=world.county,
        introducing_unit=unit,
        responsible_unit=unit,
        total_investment=W("10000"),
        invested_to_date=W(invested),
    )
    return project_services.register_project(
        row, stage=Stage.UNDER_CONSTRUCTION, on=datetime.date(2024, 1, 2), actor=world.office
    )


def weekly(world, name="每周调度"):
    return Cadence.objects.create(name=name, region=world.county, due_offset_days=-2, expiry_days=3)


@pytest.fixture
def dispatch_round(world):
    """This week's round (open now) with two projects of township A and one of township B."""
    project(world, "唐江家具产业园")
    project(world, "唐江智能家居")
    project(world, "凤岗物流园", unit=world.unit_b)
    return services.open_round(weekly(world), on=timezone.localdate(), actor=world.office)


@pytest.fixture
def report_a(dispatch_round):
    return dispatch_round.reports.get(project__name="唐江家具产业园")


@pytest.fixture
def other_a(dispatch_round):
    return dispatch_round.reports.get(project__name="唐江智能家居")


@pytest.fixture
def report_b(dispatch_round):
    return dispatch_round.reports.get(project__name="凤岗物流园")


def fill_url(report):
    return reverse("dispatch:report_fill", kwargs={"pk": report.pk})


def form_data(**overrides):
    data = {
        "investment_period": "200",
        "investment_year_to_date": "",
        "investment_since_start": "",
        "physical_progress": "主体结构施工至三层",
        "workers_on_site": "85",
        "stage": Stage.UNDER_CONSTRUCTION,
        "next_steps": "下周封顶",
        "blockers": "",
        "confidence": "green",
        "confidence_narrative": "",
        "warning_comment": "",
    }
    return data | overrides


def service_values(**overrides):
    values = {
        "investment_period": W("200"),
        "physical_progress": "主体结构施工至三层",
        "workers_on_site": 85,
        "stage": Stage.UNDER_CONSTRUCTION,
        "next_steps": "下周封顶",
        "blockers": "",
        "confidence": "green",
        "confidence_narrative": "",
        "warning_comment": "",
    }
    return values | overrides


def snapshot(report):
    report = ProgressReport.objects.get(pk=report.pk)
    return {name: getattr(report, name) for name in WRITTEN}


def jpeg(size=(600, 400), *, orientation=None, taken="", color="red"):
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload(name="site.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, jpeg() if content is None else content, content_type=content_type)


def text_of(response):
    return response.content.decode()


# The fill page ----------------------------------------------------------------------------------


def test_fill_and_submit_through_the_page_equals_calling_the_service(client, world, report_a, other_a):
    client.force_login(world.reporter_a)
    response = client.post(fill_url(report_a), form_data() | {"submit": "1"})
    assert response.status_code == 302
    assert response.url == reverse("dispatch:my_reports")
    services.submit_report(other_a, actor=world.reporter_a, **service_values())
    through_page, through_service = snapshot(report_a), snapshot(other_a)
    assert through_page == through_service
    assert (
        through_page["status"],
        through_page["investment_period"],
        through_page["investment_year_to_date"],
        through_page["investment_since_start"],
    ) == (ReportStatus.SUBMITTED, W("200"), W("200"), W("1200"))
    review = ReportReview.objects.get(report=report_a)
    assert (review.action, review.actor) == (ReportAction.SUBMIT, world.reporter_a)
    assert ProgressReport.objects.get(pk=report_a.pk).history.first().history_user == world.reporter_a


def test_saving_a_draft_passes_only_the_figures_typed(client, world, report_a):
    client.force_login(world.reporter_a)
    # Only the year-to-date figure: this period and since-start are derived from the last figures.
    data = form_data(investment_period="", investment_year_to_date="３００", confidence="")
    response = client.post(fill_url(report_a), data | {"save": "1"})
    assert response.status_code == 302
    saved = ProgressReport.objects.get(pk=report_a.pk)
    assert (
        saved.status,
        saved.investment_period,
        saved.investment_year_to_date,
        saved.investment_since_start,
    ) == (
        ReportStatus.DRAFT,
        W("300"),
        W("300"),
        W("1300"),
    )
    # The page shows the derived figures as empty inputs, so a new period figure derives them afresh.
    page = text_of(client.get(fill_url(report_a)))
    assert 'name="investment_year_to_date" value=' not in page
    assert 'name="investment_period" value="300.00"' in page
    client.post(fill_url(report_a), form_data(investment_period="250", confidence="") | {"save": "1"})
    saved.refresh_from_db()
    assert (saved.investment_period, saved.investment_year_to_date, saved.investment_since_start) == (
        W("250"),
        W("250"),
        W("1250"),
    )


def test_service_messages_are_shown_next_to_the_fields_and_the_input_is_kept(client, world, report_a):
    client.force_login(world.reporter_a)
    before = snapshot(report_a)
    data = form_data(confidence="amber", physical_progress="基础施工中（本次未保存）")
    response = client.post(fill_url(report_a), data | {"submit": "1"})
    assert response.status_code == 400
    page = text_of(response)
    message = "交付信心不是“绿”时须填写信心说明。"
    narrative = page[page.index('id="field-confidence_narrative"') :]
    assert message in narrative[: narrative.index("</div>\n</div>") + 20]
    assert f"信心说明：{message}" in page  # the summary at the top
    assert "基础施工中（本次未保存）" in page
    assert 'value="amber" checked' in page
    assert snapshot(report_a) == before

    response = client.post(fill_url(report_a), form_data(investment_period="") | {"submit": "1"})
    assert response.status_code == 400
    assert "请填写本期、年度累计或开工累计完成投资。" in text_of(response)
    response = client.post(fill_url(report_a), form_data(investment_period="二百") | {"save": "1"})
    assert response.status_code == 400
    assert "请填写数字（单位：万元），如 200 或 35.5。" in text_of(response)
    assert snapshot(report_a) == before
    assert not ReportReview.objects.filter(report=report_a).exists()


def test_the_fill_page_is_phone_ready(client, world, report_a):
    client.force_login(world.reporter_a)
    page = text_of(client.get(fill_url(report_a)))
    assert 'inputmode="decimal"' in page
    assert 'accept="image/*"' in page and 'capture="environment"' in page and "multiple" in page
    assert "唐江家具产业园" in page and report_a.project.code in page
    assert 'id="baseline-since-start">1000.00<' in page
    for label in ("绿", "绿黄", "黄", "黄红", "红", "保存草稿", "报送"):
        assert f">{label}<" in page


def test_out_of_scope_reports_cannot_be_filled(client, world, report_a):
    client.force_login(world.reporter_b)
    before = snapshot(report_a)
    assert client.get(fill_url(report_a)).status_code == 404
    assert client.post(fill_url(report_a), form_data() | {"submit": "1"}).status_code == 404
    assert snapshot(report_a) == before
    client.force_login(world.discipline)
    assert client.get(fill_url(report_a)).status_code == 404


def test_a_submitted_report_is_no_longer_filled_in(client, world, report_a):
    services.submit_report(report_a, actor=world.reporter_a, **service_values())
    client.force_login(world.reporter_a)
    response = client.get(fill_url(report_a))
    assert response.status_code == 302 and response.url == report_a.get_absolute_url()
    response = client.post(fill_url(report_a), form_data(investment_period="999") | {"save": "1"})
    assert response.status_code == 400
    assert "报告已报送，不能修改。" in text_of(response)
    assert ProgressReport.objects.get(pk=report_a.pk).investment_period == W("200")


# Photos -----------------------------------------------------------------------------------------


def test_photo_orientation_is_fixed_and_the_time_taken_read(client, world, report_a):
    client.force_login(world.reporter_a)
    content = jpeg((600, 400), orientation=6, taken="2024:03:05 10:30:00")
    data = form_data(photo_caption="三层楼面") | {"photos": [upload("IMG_0001.jpg", content)], "save": "1"}
    assert client.post(fill_url(report_a), data).status_code == 302
    photo = ReportPhoto.objects.get(report=report_a)
    assert (photo.width, photo.height) == (400, 600)
    assert photo.taken_at == timezone.make_aware(datetime.datetime(2024, 3, 5, 10, 30))
    assert photo.caption == "三层楼面"
    with Image.open(photo.image.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (400, 600))
        assert stored.getexif().get(ExifTags.Base.Orientation) is None
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert thumbnail.size == (213, 320)
    assert photo.history.get().history_user == world.reporter_a


def test_photos_are_resized_and_png_webp_accepted():
    big = prepare_photo(upload("big.jpg", jpeg((4000, 3000))))
    assert (big.width, big.height) == (2560, 1920)
    for kind in ("PNG", "WEBP"):
        buffer = io.BytesIO()
        Image.new("RGBA", (500, 200), (0, 128, 0, 0)).save(buffer, kind)
        prepared = prepare_photo(upload(f"scan.{kind.lower()}", buffer.getvalue()))
        assert (prepared.width, prepared.height, prepared.image.name[-4:]) == (500, 200, ".jpg")


def test_photos_are_judged_by_their_content_size_and_pixels(client, world, report_a, settings):
    client.force_login(world.reporter_a)
    gif = io.BytesIO()
    Image.new("RGB", (40, 30)).save(gif, "GIF")
    bomb = io.BytesIO()
    Image.new("1", (8000, 6000)).save(bomb, "PNG")  # 48 megapixels in a few kilobytes
    cases = {
        "x.jpg": (b"#!/bin/sh\necho not a photo\n", "照片“x.jpg”不是 JPEG/PNG/WebP 图片"),
        "animation.jpg": (gif.getvalue(), "照片“animation.jpg”不是 JPEG/PNG/WebP 图片"),
        "huge.png": (bomb.getvalue(), "照片“huge.png”像素过多（超过 4000 万像素）"),
        "cut.jpg": (jpeg()[:1000], "照片“cut.jpg”已损坏或不完整"),
    }
    for name, (content, message) in cases.items():
        response = client.post(
            fill_url(report_a), form_data() | {"photos": [upload(name, content)], "save": "1"}
        )
        assert response.status_code == 400, name
        assert message in text_of(response), name
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    response = client.post(
        fill_url(report_a),
        form_data() | {"photos": [upload("large.jpg", b"\xff" * (1024 * 1024 + 1))], "save": "1"},
    )
    assert "照片“large.jpg”超过 1 MB" in text_of(response)
    assert not ReportPhoto.objects.exists()
    assert ProgressReport.objects.get(pk=report_a.pk).status == ReportStatus.PENDING
    with pytest.raises(ValidationError, match="超过 10 MB"):
        del settings.PHOTO_MAX_BYTES
        prepare_photo(upload("camera.jpg", b"\xff" * (10 * 1024 * 1024 + 1)))


def test_photos_are_served_only_in_scope(client, world, report_a, media):
    photo = services.add_photo(report_a, upload=upload(), caption="基坑", actor=world.reporter_a)
    urls = [
        reverse("dispatch:report_photo", kwargs={"pk": photo.pk}),
        reverse("dispatch:report_photo_thumbnail", kwargs={"pk": photo.pk}),
    ]
    client.force_login(world.reporter_a)
    for address in urls:
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(world.office)
    assert client.get(urls[1]).status_code == 200
    delete_url = reverse("dispatch:report_photo_delete", kwargs={"pk": photo.pk})
    for persona in (world.reporter_b, world.discipline):
        client.force_login(persona)
        assert [client.get(address).status_code for address in urls] == [404, 404]
        assert client.post(delete_url).status_code == 404
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()
    client.logout()
    assert client.get(urls[1]).status_code == 302  # to the login page
    # Nothing is reachable under MEDIA_URL.
    assert client.get(f"/media/{photo.thumbnail.name}").status_code == 404
    assert photo.thumbnail.path.startswith(str(media))


def test_photos_are_deleted_only_while_the_report_is_editable(client, world, report_a):
    kept = services.add_photo(report_a, upload=upload(), actor=world.reporter_a)
    removed = services.add_photo(report_a, upload=upload(), actor=world.reporter_a)
    client.force_login(world.reporter_a)
    response = client.post(reverse("dispatch:report_photo_delete", kwargs={"pk": removed.pk}))
    assert response.status_code == 302
    assert list(ReportPhoto.objects.filter(report=report_a)) == [kept]
    assert ReportPhoto.history.filter(id=removed.pk).latest("history_date").history_type == "-"
    services.submit_report(report_a, actor=world.reporter_a, **service_values())
    client.post(reverse("dispatch:report_photo_delete", kwargs={"pk": kept.pk}))
    assert ReportPhoto.objects.filter(pk=kept.pk).exists()
    with pytest.raises(ValidationError, match="已报送"):
        services.add_photo(report_a, upload=upload(), actor=world.reporter_a)
    assert ReportPhoto.objects.count() == 1


# The report page and review ---------------------------------------------------------------------


def test_the_report_page_shows_figures_photos_and_timeline(client, world, report_a):
    services.add_photo(report_a, upload=upload(), caption="基坑", actor=world.reporter_a)
    services.submit_report(
        report_a,
        actor=world.reporter_a,
        **service_values(confidence="amber_red", confidence_narrative="用地未交付"),
    )
    client.force_login(world.reporter_a)
    page = text_of(client.get(report_a.get_absolute_url()))
    assert 'id="investment-since-start">1200.00<' in page
    assert "用地未交付" in page and "tone-amber-red" in page
    assert reverse("dispatch:report_photo_thumbnail", kwargs={"pk": report_a.photos.get().pk}) in page
    assert "报送</span>" in page  # the timeline
    assert "审核通过" not in page and fill_url(report_a) not in page
    client.force_login(world.office)
    page = text_of(client.get(report_a.get_absolute_url()))
    assert "审核通过" in page and reverse("dispatch:report_return", kwargs={"pk": report_a.pk}) in page
    client.force_login(world.reporter_b)
    assert client.get(report_a.get_absolute_url()).status_code == 404


def test_the_office_returns_approves_and_reopens(client, world, report_a):
    services.submit_report(report_a, actor=world.reporter_a, **service_values())
    client.force_login(world.office)
    return_url = reverse("dispatch:report_return", kwargs={"pk": report_a.pk})
    response = client.post(return_url, {"return-comment": "  "})
    assert response.status_code == 400
    assert "退回须写明意见。" in text_of(response)
    assert ProgressReport.objects.get(pk=report_a.pk).status == ReportStatus.SUBMITTED

    assert client.post(return_url, {"return-comment": "本期投资与形象进度不符"}).status_code == 302
    returned = ProgressReport.objects.get(pk=report_a.pk)
    assert (returned.status, returned.review_comment, returned.reviewed_by) == (
        ReportStatus.RETURNED,
        "本期投资与形象进度不符",
        world.office,
    )
    client.force_login(world.reporter_a)
    assert "本期投资与形象进度不符" in text_of(client.get(fill_url(report_a)))
    client.post(fill_url(report_a), form_data(investment_period="150") | {"submit": "1"})

    client.force_login(world.office)
    approve_url = reverse("dispatch:report_approve", kwargs={"pk": report_a.pk})
    assert client.get(approve_url).status_code == 405
    assert client.post(approve_url, {"approve-comment": "同意"}).status_code == 302
    approved = ProgressReport.objects.get(pk=report_a.pk)
    assert (approved.status, approved.investment_since_start) == (ReportStatus.APPROVED, W("1150"))
    assert Project.objects.get(pk=report_a.project_id).invested_to_date == W("1150")
    response = client.post(approve_url, {"approve-comment": ""})
    assert response.status_code == 400
    assert "只能审核已报送的报告（当前：已审核）。" in text_of(response)

    reopen_url = reverse("dispatch:report_reopen", kwargs={"pk": report_a.pk})
    assert client.post(reopen_url, {"reopen-reason": ""}).status_code == 400
    assert client.post(reopen_url, {"reopen-reason": "开工累计填错"}).status_code == 302
    assert ProgressReport.objects.get(pk=report_a.pk).status == ReportStatus.RETURNED
    actions = list(ReportReview.objects.filter(report=report_a).values_list("action", "actor__username"))
    assert actions == [
        (ReportAction.SUBMIT, "reporter_a"),
        (ReportAction.RETURN, "office"),
        (ReportAction.SUBMIT, "reporter_a"),
        (ReportAction.APPROVE, "office"),
        (ReportAction.REOPEN, "office"),
    ]


def test_a_reporter_cannot_review(client, world, report_a, report_b):
    services.submit_report(report_a, actor=world.reporter_a, **service_values())
    before = snapshot(report_a)
    reviews = ReportReview.objects.count()
    for persona in (world.reporter_a, world.reporter_b, world.discipline):
        client.force_login(persona)
        for action, data in (
            ("report_approve", {"approve-comment": ""}),
            ("report_return", {"return-comment": "自己退回"}),
            ("report_reopen", {"reopen-reason": "自己打开"}),
        ):
            response = client.post(reverse(f"dispatch:{action}", kwargs={"pk": report_a.pk}), data)
            assert response.status_code == 404, (persona, action)
    assert snapshot(report_a) == before
    assert ReportReview.objects.count() == reviews
    assert Project.objects.get(pk=report_a.project_id).invested_to_date == W("1000")
