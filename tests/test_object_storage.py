"""More than one machine: with STORAGE_BACKEND=s3 every private file (records, letters, notices,
proofs, print batches, intake drafts) is kept in an S3 bucket that every web and worker host
shares, and nothing assumes a file is on the local disk. Run against a real S3-protocol server
(moto's, started by the test run: tests/conftest.py `s3_server`)."""

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from cases.records.models import MedicalRecord
from imrsite.backup import backup_key_new
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.services import letter_request
from reviews.letters.signing import pdf_signature_check
from tests.cases.helpers import add_record
from tests.conftest import S3Bucket
from tests.factories import PASSWORD, UserFactory, approved_determination, minimal_pdf, pdf_upload
from tests.test_backup import fresh_database

pytestmark = pytest.mark.storage

ROOT = Path(__file__).resolve().parent.parent


def _local_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _signed_in(client, role: str):
    user = UserFactory(role=role)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _downloaded(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


@pytest.mark.worker
def test_a_record_uploaded_on_the_case_page_goes_to_the_bucket_and_a_worker_counts_its_pages(
    s3_bucket, celery_workers, client, case, settings
):
    worker = celery_workers.start(queues="default,records", env=s3_bucket.env)
    _signed_in(client, Role.CASE_ADMIN)
    response = client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {
            "record-file": pdf_upload("pr2.pdf", pages=3),
            "record-title": "PR-2 progress report",
            "record-kind": "medical",
        },
    )
    assert response.status_code == 302
    record = MedicalRecord.objects.get(case=case)

    # In the bucket, encrypted at rest by the store, and not on this machine's disk.
    assert s3_bucket.object_names() == [record.file.name]
    assert s3_bucket.get(record.file.name) == minimal_pdf(3)
    assert s3_bucket.head(record.file.name)["ServerSideEncryption"] == "AES256"
    assert _local_files(settings) == []

    # The worker (another process, configured only by its environment) reads it from the bucket.
    pages = worker.wait_for(
        lambda: MedicalRecord.objects.get(pk=record.pk).pages, what="the pages to be counted"
    )
    assert pages == 3
    assert MedicalRecord.objects.get(pk=record.pk).pages_problem == ""

    viewed = client.get(reverse("records:case_record", args=[case.case_number, record.pk]))
    assert _downloaded(viewed) == minimal_pdf(3)


def test_a_letter_is_rendered_signed_and_served_from_the_bucket_and_a_changed_copy_is_refused(
    db, s3_bucket, client, settings, django_capture_on_commit_callbacks
):
    determination = approved_determination()
    with django_capture_on_commit_callbacks(execute=True):
        letter_request(determination=determination, actor=None)
    letter = Letter.objects.get()
    assert letter.status in (LetterStatus.SIGNED, LetterStatus.DELIVERED)
    assert {letter.party_pdf.name, letter.public_pdf.name} <= set(s3_bucket.object_names())
    assert _local_files(settings) == []

    _signed_in(client, Role.CASE_ADMIN)
    case_number = letter.case.case_number
    party = _downloaded(
        client.get(reverse("letters:letter_download", args=[case_number, 1, "party"]))
    )
    assert hashlib.sha256(party).hexdigest() == letter.party_sha256
    assert pdf_signature_check(party).ok

    # Someone with access to the bucket replaces the public copy: it is not served.
    s3_bucket.put(letter.public_pdf.name, b"%PDF-1.7 altered")
    refused = client.get(reverse("letters:letter_download", args=[case_number, 1, "public"]))
    assert refused.status_code == 500
    assert b"%PDF" not in refused.content


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_bucket_restores_into_a_new_bucket_and_database(
    s3_bucket, s3_server, tmp_path, settings, django_capture_on_commit_callbacks, request
):
    settings.BACKUP_ENCRYPTION_KEY = backup_key_new()
    determination = approved_determination()
    record = add_record(determination.case, determination.case.created_by, title="MRI report")
    with django_capture_on_commit_callbacks(execute=True):
        letter_request(determination=determination, actor=None)
    stored = {key: s3_bucket.get(key) for key in s3_bucket.object_names()}
    assert record.file.name in stored and len(stored) >= 3

    archive = tmp_path / "imr.backup"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert f"{len(stored)} stored files" in out.getvalue()

    restored_bucket = S3Bucket(s3_server, f"{s3_bucket.name[:50]}-back")
    env = {
        **os.environ,
        **restored_bucket.env,
        "IMR_VAR_DIR": str(tmp_path / "restored"),
        "SIGNING_KEY_PATH": str(tmp_path / "restored" / "signing" / "key.pem"),
        "SIGNING_CERT_PATH": str(tmp_path / "restored" / "signing" / "certificate.pem"),
        "BACKUP_ENCRYPTION_KEY": settings.BACKUP_ENCRYPTION_KEY,
    }

    # A new database of the kind the tests run on (a backup restores into its own kind).
    restored_url, restored_drop = fresh_database(tmp_path, "s3_restore")
    again_url, again_drop = fresh_database(tmp_path, "s3_again")
    request.addfinalizer(restored_drop)
    request.addfinalizer(again_drop)

    def manage(*args, database=restored_url):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**env, "DATABASE_URL": database},
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = manage("restore", str(archive))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "stored files match their recorded SHA-256" in result.stdout
    assert {key: restored_bucket.get(key) for key in restored_bucket.object_names()} == stored

    # The restored site reads its records and letters from the new bucket.
    inventory = manage(
        "shell",
        "-c",
        "import json; from cases.records.models import MedicalRecord as R; "
        "print(json.dumps([r.file.open('rb').read().decode('latin-1') "
        "for r in R.objects.exclude(sha256='')]))",
    )
    assert inventory.returncode == 0, inventory.stderr
    assert json.loads(inventory.stdout.strip().splitlines()[-1]) == [
        stored[record.file.name].decode("latin-1")
    ]

    # A restore never writes into a bucket that already holds files, even with a new database.
    again = manage("restore", str(archive), database=again_url)
    assert again.returncode != 0
    assert "The file store is not empty" in again.stderr + again.stdout
