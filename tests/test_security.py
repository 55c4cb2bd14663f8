"""Security baseline: Argon2, login throttling, CSP, production settings, no external assets."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
TIAODU = str(Path(sys.executable).parent / "tiaodu")


def run_tiaodu(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TIAODU_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(env)
    return subprocess.run(
        [TIAODU, *args], capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120
    )


def production_env(tmp_path):
    return {
        "TIAODU_ENV": "production",
        "TIAODU_SECRET_KEY": secrets.token_urlsafe(60),
        "TIAODU_ALLOWED_HOSTS": "tiaodu.example.gov.cn",
        "TIAODU_DATA_DIR": str(tmp_path),
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_tiaodu("check", "--deploy", **production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_uses_argon2_secure_cookies_and_hsts(tmp_path):
    code = (
        "from django.conf import settings; from django.contrib.auth.hashers import get_hasher;"
        "print(get_hasher().algorithm, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
        " settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT, settings.DEBUG)"
    )
    result = run_tiaodu("shell", "-v", "0", "-c", code, **production_env(tmp_path))
    assert result.stdout.split() == ["argon2", "True", "True", "31536000", "True", "False"], result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TIAODU_ENV": "production"}, "TIAODU_SECRET_KEY must be set in production"),
        ({"TIAODU_ENV": "staging"}, "TIAODU_ENV='staging'"),
        ({"TIAODU_DEBUG": "maybe"}, "TIAODU_DEBUG='maybe'"),
        ({"TIAODU_DATABASE_URL": "mysql://localhost/x"}, "only sqlite:// and postgres://"),
    ],
)
def test_bad_settings_fail_loudly(tmp_path, env, message):
    result = run_tiaodu("check", TIAODU_DATA_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures(world, settings):
    client = Client()
    for _ in range(5):
        response = client.post("/login/", {"username": "office", "password": "wrong"})
    response = client.post("/login/", {"username": "office", "password": "persona-password-1"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.django_db
def test_pages_carry_csp_and_frame_protection(world):
    client = Client()
    client.force_login(world.office)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_load_nothing_from_other_hosts():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        for match in re.finditer(r'(?:src|href)="(https?:)?//', template.read_text(encoding="utf-8")):
            offenders.append(f"{template}: {match.group(0)}")
    assert offenders == []


@pytest.mark.django_db
def test_api_docs_are_served_locally(world):
    client = Client()
    client.force_login(world.office)
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<script>" not in page.replace(" ", "")
    assert "cdn" not in page.lower()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/org/units/" in schema.content
