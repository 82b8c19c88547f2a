"""Backups: `manage.py backup` writes the database, the file store and the signing key in one
encrypted archive; `manage.py restore` puts it into a fresh database and file store, and every
case, record and letter comes back with its bytes matching its recorded SHA-256."""

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.lifecycle.models import Case
from cases.records.models import MedicalRecord
from imrsite.backup import BackupError, OpeningReader, backup_key, backup_key_new
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.services import letter_request
from tests.cases.helpers import add_record
from tests.factories import approved_determination

ROOT = Path(__file__).resolve().parent.parent

# What the restored site holds, read by the ORM in the restored environment and hashed with
# hashlib directly (not through the integrity code under test).
INVENTORY = """
import hashlib, json
from cases.lifecycle.models import Case
from cases.records.models import MedicalRecord
from reviews.letters.models import Letter
def digest(f):
    with f.open("rb") as h:
        return hashlib.sha256(h.read()).hexdigest()
print(json.dumps({
    "cases": sorted(Case.objects.values_list("case_number", flat=True)),
    "records": {r.pk: [r.sha256, digest(r.file)] for r in MedicalRecord.objects.exclude(sha256="")},
    "letters": {l.pk: [l.party_sha256, digest(l.party_pdf), l.public_sha256, digest(l.public_pdf)]
                for l in Letter.objects.all()},
}))
"""


def fresh_database(tmp_path: Path, suffix: str = "restore"):
    """A new, empty database of the kind the tests run on: its URL and how to drop it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}", lambda: None
    name = f"{db['NAME']}_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    )
    return url, drop


def restored_env(url: str, restored: Path, key: str) -> dict:
    """The environment of a site restored into the database at `url` and the folder
    `restored` (its file store, var and signing key's paths)."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "IMR_VAR_DIR": str(restored / "var"),
        "PRIVATE_MEDIA_ROOT": str(restored / "private"),
        "SIGNING_KEY_PATH": str(restored / "signing" / "key.pem"),
        "SIGNING_CERT_PATH": str(restored / "signing" / "certificate.pem"),
        "BACKUP_ENCRYPTION_KEY": key,
    }


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_every_case_record_and_letter_intact(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    determination = approved_determination()
    case = determination.case
    add_record(case, case.created_by, title="MRI report")
    with django_capture_on_commit_callbacks(execute=True):
        letter_request(determination=determination, actor=None)
    assert Letter.objects.get().status in (LetterStatus.SIGNED, LetterStatus.DELIVERED)
    # The fixture's letter lists records that have no file; the uploaded one has.
    records = {r.pk: r.sha256 for r in MedicalRecord.objects.exclude(sha256="")}
    letters = {
        letter.pk: [letter.party_sha256, letter.public_sha256] for letter in Letter.objects.all()
    }
    assert records and letters

    archive = tmp_path / "imr.backup"
    call_command("backup", str(archive), stdout=io.StringIO())
    raw = archive.read_bytes()
    # Encrypted at rest: neither the PDFs nor the case number can be read from it.
    assert b"%PDF" not in raw and case.case_number.encode() not in raw

    url, drop = fresh_database(tmp_path)
    restored = tmp_path / "restored"
    env = restored_env(url, restored, settings.BACKUP_ENCRYPTION_KEY)
    try:
        result = _manage("restore", str(archive), env=env)
        assert result.returncode == 0, result.stderr + result.stdout
        assert "each matched the manifest" in result.stdout
        assert "stored files match their recorded SHA-256" in result.stdout

        inventory = _manage("shell", "-c", INVENTORY, env=env)
        assert inventory.returncode == 0, inventory.stderr
        found = json.loads(inventory.stdout.strip().splitlines()[-1])
    finally:
        connection.close()
        drop()

    assert found["cases"] == sorted(Case.objects.values_list("case_number", flat=True))
    assert {int(pk): recorded for pk, (recorded, _) in found["records"].items()} == records
    for recorded, actual in found["records"].values():
        assert recorded == actual
    assert {int(pk): [v[0], v[2]] for pk, v in found["letters"].items()} == letters
    for party, party_actual, public, public_actual in found["letters"].values():
        assert party == party_actual and public == public_actual
    # The signing key came back too, readable by its owner only.
    key = restored / "signing" / "key.pem"
    assert key.read_bytes() == Path(django_settings.SIGNING_KEY_PATH).read_bytes()
    assert key.stat().st_mode & 0o077 == 0


def test_no_backup_is_made_or_read_without_the_key(settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY is not set"):
        call_command("backup", str(tmp_path / "x.backup"))
    assert not (tmp_path / "x.backup").exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_makes_the_folder_it_is_written_to(settings, tmp_path):
    # README "Backups": `docker compose exec web python manage.py backup /data/backups/...`, a
    # folder the image does not have; it was a traceback, not the one-line reason or the archive.
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    archive = tmp_path / "backups" / "imr.backup"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.is_file()
    (tmp_path / "a-file").write_text("")
    with pytest.raises(CommandError, match="cannot make the folder"):
        call_command("backup", str(tmp_path / "a-file" / "imr.backup"))


@pytest.mark.django_db(transaction=True)
def test_a_changed_archive_or_another_key_is_refused(settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    archive = tmp_path / "imr.backup"
    call_command("backup", str(archive), stdout=io.StringIO())
    altered = bytearray(archive.read_bytes())
    altered[len(altered) // 2] ^= 0x01
    with pytest.raises(BackupError, match="cannot be decrypted"):
        OpeningReader(io.BytesIO(bytes(altered)), backup_key()).read()
    with pytest.raises(BackupError, match="cut off"):
        OpeningReader(io.BytesIO(archive.read_bytes()[:-40]), backup_key()).read()
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    with pytest.raises(BackupError, match="not the key it was made with"):
        OpeningReader(archive.open("rb"), backup_key()).read()


@pytest.mark.django_db(transaction=True)
def test_a_restore_never_writes_over_a_database_in_use(settings, tmp_path, case):
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    archive = tmp_path / "imr.backup"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(archive))
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_a_restore_of_an_archive_that_is_not_there_says_so_in_one_line(settings, tmp_path):
    # A mistyped name, or the backups' folder instead of an archive, was a traceback.
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    for source in (tmp_path / "imr-2026-11-31.backup", tmp_path):
        with pytest.raises(CommandError, match="is not a file"):
            call_command("restore", str(source))


@pytest.mark.django_db(transaction=True)
def test_a_cut_off_archive_restores_nothing_and_the_whole_one_then_restores(
    tmp_path, settings, case
):
    """From a system administrator's QA pass: an archive found cut off only at its end had
    already put its files and the signing key back, so the next restore, of the whole archive,
    was refused for a file store that was not empty, and the key was not overwritten."""
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    # A stored file of a few MiB that gzip cannot shrink, so the archive's files are put back
    # from its first chunks before its cut-off end is read.
    for name in ("mri-1.pdf", "mri-2.pdf"):
        content = os.urandom(3 * 1024 * 1024)
        MedicalRecord.objects.create(
            case=case,
            title=name,
            file=ContentFile(content, name=name),
            sha256=hashlib.sha256(content).hexdigest(),
        )
    archive = tmp_path / "imr.backup"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.stat().st_size > 6 * 1024 * 1024
    cut = tmp_path / "cut.backup"
    cut.write_bytes(archive.read_bytes()[:-40])

    url, drop = fresh_database(tmp_path)
    restored = tmp_path / "restored"
    env = restored_env(url, restored, settings.BACKUP_ENCRYPTION_KEY)
    try:
        failed = _manage("restore", str(cut), env=env)
        assert failed.returncode != 0 and "cut off" in failed.stderr + failed.stdout
        left = [p for p in (restored / "private").rglob("*") if p.is_file()]
        assert left == [] and not (restored / "signing" / "key.pem").exists()
        result = _manage("restore", str(archive), env=env)
        assert result.returncode == 0, result.stderr + result.stdout
    finally:
        connection.close()
        drop()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_restore's transaction")
@pytest.mark.django_db(transaction=True)
def test_a_database_load_that_fails_half_way_keeps_nothing_and_says_why(tmp_path, settings, case):
    """The new database held a sequence named as one of the dump's (no table, so not refused as
    "not empty"): pg_restore made some tables, then stopped. Those tables were left behind, so
    the next restore was refused for a database that was not empty."""
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    archive = tmp_path / "imr.backup"
    call_command("backup", str(archive), stdout=io.StringIO())

    url, drop = fresh_database(tmp_path)
    restored = tmp_path / "restored"
    env = restored_env(url, restored, settings.BACKUP_ENCRYPTION_KEY)
    in_the_way = "CREATE SEQUENCE cases_case_id_seq"
    try:
        assert _manage("dbshell", "--", "-c", in_the_way, env=env).returncode == 0
        failed = _manage("restore", str(archive), env=env)
        assert failed.returncode != 0
        assert "The database did not load" in failed.stderr and "cases_case_id_seq" in (
            failed.stderr
        )
        tables = _manage("shell", "-c", LIST_TABLES, env=env)
        assert tables.stdout.strip().splitlines()[-1] == "[]"
        dropped = _manage("dbshell", "--", "-c", "DROP SEQUENCE cases_case_id_seq", env=env)
        assert dropped.returncode == 0, dropped.stderr
        result = _manage("restore", str(archive), env=env)
        assert result.returncode == 0, result.stderr + result.stdout
    finally:
        connection.close()
        drop()


LIST_TABLES = "from django.db import connection; print(connection.introspection.table_names())"
