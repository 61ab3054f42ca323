"""Backups round-trip: `backup` then `restore` into an emptied database finds every record and photo."""

import io
import zipfile

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from pevcoach.coaching import services
from pevcoach.front.backups import EXCLUDED

pytestmark = pytest.mark.slow


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile("evidence.jpg", out.getvalue(), content_type="image/jpeg")


def _kept_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or not model._meta.managed:
            continue
        yield model


def _everything():
    """Every record of every kept model, serialized: what must come back identical."""
    return {m._meta.label: serializers.serialize("python", m._base_manager.order_by("pk")) for m in _kept_models()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _lose_everything():
    """Empty every table a backup holds (content types and permissions stay, as after `migrate`)."""
    for model in reversed(list(_kept_models())):
        model._base_manager.all()._raw_delete(model._base_manager.db)


def test_backup_and_restore_round_trip_every_record_and_photo(world, media, tmp_path, cast):
    own = world["places"]["own"]
    evidence = services.add_evidence(by=cast["coachee"], action=own["action"], photo=_photo(), note="Photo")
    photo_bytes = evidence.photo.read()
    before = _everything()
    assert sum(bool(v) for v in before.values()) > 15  # many kinds of records are there

    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=io.StringIO())
    names = zipfile.ZipFile(archive).namelist()
    assert "data.pevjson" in names and f"media/{evidence.photo.name}" in names

    # Lose everything: the database and the photos.
    _lose_everything()
    evidence.photo.storage.delete(evidence.photo.name)
    assert not apps.get_model("coaching", "Session").objects.exists()

    call_command("restore", str(archive), stdout=io.StringIO())
    after = _everything()
    assert [label for label in before if after[label] != before[label]] == []
    for label in before:
        assert after[label] == before[label], label
    restored = apps.get_model("coaching", "Evidence").objects.get(pk=evidence.pk)
    assert restored.photo.read() == photo_bytes


def test_restore_refuses_a_database_that_holds_data(world, media, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path, media):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("media/../../escape.txt", "x")
    with pytest.raises(CommandError, match="not a PEV Coach backup"):
        call_command("restore", str(bad), stdout=io.StringIO())


def test_restore_never_writes_outside_the_media_folder(db, tmp_path, media):
    from pevcoach.front.backups import BackupError, _media_target

    with pytest.raises(BackupError):
        _media_target("media/../../etc/passwd")


def test_a_backup_made_before_the_pevjson_format_holding_data_json_restores(world, media, tmp_path):
    made = tmp_path / "backup.zip"
    call_command("backup", str(made), stdout=io.StringIO())
    before = _everything()
    old = tmp_path / "old-backup.zip"  # the same backup as older versions wrote it: data.json
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(old, "w") as target:
        for name in source.namelist():
            target.writestr("data.json" if name == "data.pevjson" else name, source.read(name))
    assert "data.pevjson" not in zipfile.ZipFile(old).namelist()

    _lose_everything()
    call_command("restore", str(old), stdout=io.StringIO())
    assert apps.get_model("coaching", "Session").objects.exists()
    assert [label for label, rows in _everything().items() if rows != before[label]] == []
