"""Settings for the test run: the real settings, with what a test machine needs."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")

from pevcoach.settings import *  # noqa: E402,F403

# A fast hasher: Argon2 is for real passwords, not thousands of test logins.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# The replica alias of a deployment with DATABASE_REPLICA_URL, as a test mirror of the default database;
# tests/test_replica.py switches its router on (the other tests read and write the default database).
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})  # noqa: F405
DATABASE_ROUTERS = []

# SQLite tests use a file, not memory: Django shares one in-memory connection between the live server's
# request threads, and a page that fires several requests at once (the service worker keeping pages for
# offline use) could then hang on it. With a file each thread has its own connection (WAL, busy timeout).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"pevcoach-tests-{os.getpid()}.sqlite3")}
