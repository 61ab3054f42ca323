"""Backups that round-trip: the whole database as Django's JSON (portable between SQLite and
PostgreSQL) and the media files (evidence photos), in one ZIP file.

Left out: what is rebuilt or must not travel — content types and permissions (recreated by
migrate), sessions (a restored copy must not sign anyone in) and login-throttle counters.
"""

import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
FORMAT = "pevjson"  # Django's JSON with times kept to the microsecond (settings.SERIALIZATION_MODULES)
DATA = f"data.{FORMAT}"
DATA_NAMES = [DATA, "data.json"]  # backups made before the pevjson format hold data.json
MEDIA = "media/"


class BackupError(Exception):
    pass


def backup(path):
    """Write the database and the media files to the ZIP file `path`; returns the number of files."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DATA
        # One consistent snapshot, even while the app keeps writing (PostgreSQL: repeatable read).
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, format=FORMAT, output=str(dump),
                         verbosity=0)
        partial = path.with_name(path.name + ".partial")
        files = 0
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(dump, DATA)
            media = Path(settings.MEDIA_ROOT)
            for file in sorted(media.rglob("*")) if media.is_dir() else []:
                if file.is_file():
                    archive.write(file, MEDIA + file.relative_to(media).as_posix())
                    files += 1
        partial.replace(path)  # never a half-written backup under the real name
    return files


def _media_target(name):
    media = Path(settings.MEDIA_ROOT).resolve()
    target = (media / name[len(MEDIA):]).resolve()
    if not target.is_relative_to(media):
        raise BackupError(f"unsafe path in the backup: {name}")
    return target


def restore(path, *, flush=False):
    """Load a backup into this (migrated) database and put its media files back."""
    from pevcoach.accounts.models import User

    with zipfile.ZipFile(path) as archive:
        data = next((name for name in DATA_NAMES if name in archive.namelist()), None)
        if data is None:
            raise BackupError(f"{path} is not a PEV Coach backup (no {DATA}).")
        if User.objects.exists() and not flush:
            raise BackupError("This database is not empty: restore into a new database, or give --flush.")
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / data  # loaddata reads the format from the extension
            dump.write_bytes(archive.read(data))
            with transaction.atomic():
                if flush:
                    call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(dump), verbosity=0)
        files = 0
        for name in archive.namelist():
            if name.startswith(MEDIA) and not name.endswith("/"):
                target = _media_target(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
                files += 1
    return files
