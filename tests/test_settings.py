"""Contract C9: settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRINT = "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)"


def settings_of(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        cwd=ROOT, capture_output=True, text=True, env=clean | {"DJANGO_SETTINGS_MODULE": "pevcoach.settings"} | env,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = settings_of(DEBUG="False")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_debug_defaults_off_and_sqlite_is_the_default_database():
    result = settings_of(SECRET_KEY="x" * 50)
    assert result.stdout.split()[:2] == ["False", "django.db.backends.sqlite3"]


def test_booleans_accept_true_false_and_1_0():
    assert settings_of(DEBUG="True").stdout.startswith("True")
    assert settings_of(DEBUG="1").stdout.startswith("True")
    assert settings_of(DEBUG="0", SECRET_KEY="k").stdout.startswith("False")


def test_a_bad_boolean_fails_loudly():
    result = settings_of(DEBUG="peut-être")
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_database_url_and_allowed_hosts_are_read():
    result = settings_of(SECRET_KEY="k", DATABASE_URL="postgres://u@db.example:5432/pev",
                         ALLOWED_HOSTS="pev.sante.gov.ml, 10.0.0.5")
    assert "postgresql" in result.stdout and "['pev.sante.gov.ml', '10.0.0.5']" in result.stdout
