"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test, the personas'
world rebuilt in every test (live_server needs transactional_db, which flushes the regions and roles
that migrations load), and a guard that no page ever asks a host other than the live server."""

import importlib
import os
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TIAODU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} 不存在：先运行 scripts/ensure-system-packages.sh（安装 chromium 与中文字体）"
        )
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def region_rows():
    """The shipped regions as field dicts, filled by the first test (see `browser_world`)."""
    return []


@pytest.fixture
def browser_world(transactional_db, region_rows):
    """The personas of the root conftest, on a database where the regions and roles are back.

    transactional_db flushes every table after each test; post_migrate then recreates the roles, but
    not the regions that a data migration loads. load_regions() takes ≈ 0.5 s, so it runs once and the
    rows (same ids and paths) are bulk-inserted again in later tests."""
    from django.apps import apps as django_apps

    from conftest import make_world
    from org.models import Region
    from org.services import ensure_default_roles, load_regions

    if not Region.objects.exists():
        if region_rows:
            Region.objects.bulk_create(Region(**row) for row in region_rows)
        else:
            load_regions()
    if not region_rows:
        fields = [field.attname for field in Region._meta.concrete_fields]
        region_rows.extend(Region.objects.order_by("path").values(*fields))
    ensure_default_roles()
    # Rows other data migrations ship (the built-in matter kinds, the default warning rules): the
    # flush removed them too, and approving a report with blockers needs the kinds.
    for module, function in (
        ("matters.migrations.0002_builtin_kinds", "add_kinds"),
        ("lights.migrations.0002_default_rules", "add_default_rules"),
    ):
        getattr(importlib.import_module(module), function)(django_apps, None)
    return make_world()


@pytest.fixture
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


class Requests(list):
    """Every URL the page requested; `foreign()` are those not served by the live server."""

    def __init__(self, origin):
        super().__init__()
        self.origin = origin
        self.in_flight = set()

    def started(self, request):
        self.append(request.url)
        self.in_flight.add(request)

    def ended(self, request):
        self.in_flight.discard(request)

    def foreign(self):
        return [url for url in self if not url.startswith(self.origin + "/") and url != self.origin]


@pytest.fixture
def requests_seen(live_server):
    return Requests(live_server.url)


@pytest.fixture
def context(browser, live_server, browser_world, requests_seen):
    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    context.on("request", requests_seen.started)
    context.on("requestfinished", requests_seen.ended)
    context.on("requestfailed", requests_seen.ended)
    yield context
    # A request still being served when the test ends (an htmx search after the last assertion) would
    # hold the live server's database while the test database is flushed: let it finish first.
    for page in context.pages:
        deadline = time.monotonic() + 10
        while requests_seen.in_flight and time.monotonic() < deadline:
            page.wait_for_timeout(50)
    context.close()
    # Intranet deployments have no Internet: every script, style, font and image is ours.
    assert requests_seen.foreign() == [], f"请求了 live server 以外的地址：{requests_seen.foreign()}"


@pytest.fixture
def page(context):
    return context.new_page()
