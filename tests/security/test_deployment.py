"""Deployment hardening: Django's deploy checks, security headers, a CSP that no page breaks."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_only_debug_secret_key_and_allowed_hosts():
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "DEBUG": "False",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "pevcoach.example.ml"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    env = {"PATH": os.environ["PATH"], "HOME": "/tmp", "DEBUG": "False", "ALLOWED_HOSTS": "x"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_settings_are_secure_by_default():
    import pevcoach.settings as production  # DEBUG is off in the test run, as in production

    assert production.SECURE_SSL_REDIRECT is False or production.DEBUG is False
    assert production.SESSION_COOKIE_HTTPONLY and production.X_FRAME_OPTIONS == "DENY"
    assert production.SECURE_CONTENT_TYPE_NOSNIFF and production.SECURE_REFERRER_POLICY == "same-origin"


@pytest.mark.parametrize("path", ["/login/", "/healthz", "/api/v1/openapi.json", "/offline/"])
def test_every_answer_carries_the_security_headers(client, db, path):
    response = client.get(path, secure=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_http_is_redirected_to_https_in_production(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200  # the proxy's health check stays on plain HTTP


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _pages(world):
    own = world["places"]["own"]
    coach = ["/", "/login/", "/register/", "/offline/", "/profile/", "/coaching/", "/coaching/actions/",
             f"/coaching/r/{own['relationship'].pk}/", f"/coaching/s/{own['session'].pk}/",
             f"/coaching/s/{own['session'].pk}/reality/", f"/coaching/r/{own['relationship'].pk}/record/",
             f"/coaching/r/{own['relationship'].pk}/goals/new/", f"/coaching/a/{own['action'].pk}/",
             "/notifications/", f"/dashboards/u/{own['unit'].pk}/"]
    superuser = ["/people/", "/units/", "/audit/", "/dashboards/exports/", "/indicators/imports/", "/api/v1/docs",
                 "/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{own['coachee'].pk}/change/",
                 "/admin/coaching/checklisttemplate/", "/admin/audit/auditentry/"]
    return {"coach": coach, "superuser": superuser}


def test_no_page_has_an_inline_script_or_event_handler(client, world):
    """Our CSP allows scripts from our own files only: an inline script or onclick would not run."""
    found = []
    for role, paths in _pages(world).items():
        client.force_login(world["roles"][role])
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, path
            html = response.content.decode()
            found += [f"{path}: {m}" for m in INLINE_SCRIPT.findall(html) + INLINE_HANDLER.findall(html)]
    assert not found, "\n".join(found)


def test_only_the_admin_may_use_inline_styles(client, world):
    client.force_login(world["roles"]["superuser"])
    assert "'unsafe-inline'" in client.get("/admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/")["Content-Security-Policy"]


def test_the_api_docs_load_their_assets_from_our_own_files(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in html and "/static/ninja/" in html
