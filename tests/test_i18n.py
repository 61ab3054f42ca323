"""The French catalogue is complete and its compiled .mo matches the .po."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "pevcoach" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_french_entry_is_translated():
    catalogue = polib.pofile(str(PO))
    assert not catalogue.untranslated_entries()
    assert not [e for e in catalogue if e.fuzzy and not e.obsolete]


def test_committed_mo_is_compiled_from_the_po():
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(PO))
                if e.translated() and not e.obsolete}
    found = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled if e.msgid}
    assert found == expected, "run: python manage.py compile_catalogue"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (.ci/run installs it)")
def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """Extract the strings afresh in a copy of the code and look each one up."""
    copy = tmp_path / "pevcoach"
    shutil.copytree(ROOT / "pevcoach", copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    (tmp_path / "manage.py").write_text((ROOT / "manage.py").read_text())
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--no-location"],
                   cwd=tmp_path, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "DEBUG": "1",
                        "DJANGO_SETTINGS_MODULE": "pevcoach.settings"})
    fresh = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.translated()]
    assert not missing, f"untranslated strings: {missing[:10]}"
