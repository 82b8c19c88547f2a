"""render_letter and verify_letter (SPEC section 7), the seed letter rendered exactly, and the
letter task in a real Celery worker."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Role
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.services import letter_correct, letter_produce, letter_request
from reviews.organization.services import organization_current
from tests.factories import PASSWORD, UserFactory, approved_determination
from tests.reviews.letter_utils import body_segments, pdf_text, shared_path

SEED_CASE = "CM15-0046802"


@pytest.fixture
def seed_case(db):
    call_command("import_cases", str(shared_path("examples", "seed-case.json")), stdout=None)
    return Case.objects.get(case_number=SEED_CASE)


def render(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("render_letter", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("layout", [False, True])
def test_the_seed_letter_body_reads_exactly_as_the_real_letter(seed_case, tmp_path, layout):
    """The summary, the item line, both guideline lines and the rationale of the imported legacy
    case print word for word as in the real letter (its MAXIMUS is our short name)."""
    render(SEED_CASE, "--out", str(tmp_path / "public.pdf"), "--public")
    render(SEED_CASE, "--out", str(tmp_path / "party.pdf"))
    seed = body_segments(
        shared_path("seed", "000_7c79c077a4ea3112.txt").read_text(), short_name="MAXIMUS"
    )
    short_name = organization_current().short_name
    for name in ("public.pdf", "party.pdf"):
        ours = body_segments(
            pdf_text((tmp_path / name).read_bytes(), layout=layout), short_name=short_name
        )
        assert ours == seed
        assert ours["reviewer_guideline"] == (
            "Decision based on MTUS Chronic Pain Treatment Guidelines Lumbar Sympathetic "
            "Blocks Page(s): 114."
        )


def test_render_letter_for_a_legacy_case_signs_and_stores_once_without_mail(
    seed_case, tmp_path, mailoutbox
):
    first = render(SEED_CASE, "--out", str(tmp_path / "a.pdf"), "--public")
    second = render(SEED_CASE, "--out", str(tmp_path / "b.pdf"), "--public")

    letter = Letter.objects.get(case=seed_case)
    assert letter.version == 1
    assert letter.status == LetterStatus.SIGNED
    assert letter.mailing_date.isoformat() == "2015-04-14"  # the legacy decision date
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert f"sha256={letter.public_sha256}" in first and first == second.replace("b.pdf", "a.pdf")
    assert mailoutbox == []
    seed_case.refresh_from_db()
    assert seed_case.status == CaseStatus.ISSUED
    issued = CaseEvent.objects.get(case=seed_case, type=EventType.LETTER_ISSUED)
    assert issued.details["legacy"] is True
    public_text = pdf_text((tmp_path / "a.pdf").read_bytes())
    assert "Decision Date: 04/14/2015" in public_text
    assert "Gregory" not in public_text and "EX-2014-77821" not in public_text


def test_render_letter_produces_an_approved_case_synchronously(db, tmp_path, mailoutbox):
    determination = approved_determination()
    render(determination.case.case_number, "--out", str(tmp_path / "letter.pdf"))

    letter = Letter.objects.get(case=determination.case)
    assert letter.status == LetterStatus.DELIVERED
    # The three addressees and the employer (cc), each by e-mail with consent.
    assert len(mailoutbox) == 4
    with letter.party_pdf.open("rb") as stored:
        assert (tmp_path / "letter.pdf").read_bytes() == stored.read()


def test_render_letter_refuses_unknown_cases_and_cases_without_a_determination(db, tmp_path):
    from tests.factories import CaseFactory

    with pytest.raises(CommandError, match="No case CM99-0000001"):
        render("CM99-0000001", "--out", str(tmp_path / "x.pdf"))
    case = CaseFactory()
    with pytest.raises(CommandError, match="no approved determination"):
        render(case.case_number, "--out", str(tmp_path / "x.pdf"))


def verify(path) -> subprocess.CompletedProcess:
    """The command as a script runs it, for its exit code and output."""
    return subprocess.run(
        [sys.executable, "manage.py", "verify_letter", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=_command_env(),
    )


def _command_env():
    import os

    from django.db import connection

    from tests.conftest import _database_url

    return {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }


@pytest.mark.django_db(transaction=True)
def test_verify_letter_exits_0_only_for_a_valid_current_letter_of_ours(tmp_path):
    determination = approved_determination()
    render(determination.case.case_number, "--out", str(tmp_path / "v1.pdf"))

    valid = verify(tmp_path / "v1.pdf")
    assert valid.returncode == 0, valid.stderr
    assert "Valid: the party version 1" in valid.stdout

    letter = Letter.objects.get(case=determination.case)
    admin = UserFactory(role=Role.CASE_ADMIN)
    request = letter_correct(
        case=determination.case, actor=admin, correction_note="Corrected a typo.", password=PASSWORD
    )
    letter_produce(letter_id=request.pk)
    superseded = verify(tmp_path / "v1.pdf")
    assert superseded.returncode == 1
    assert "superseded by version 2" in superseded.stderr
    assert len(superseded.stderr.strip().splitlines()) == 1

    tampered = bytearray((tmp_path / "v1.pdf").read_bytes())
    index = tampered.index(b"/MediaBox")
    tampered[index + 11 : index + 12] = b"9" if tampered[index + 11 : index + 12] != b"9" else b"8"
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    broken = verify(tmp_path / "tampered.pdf")
    assert broken.returncode == 1
    assert "changed after signing" in broken.stderr
    assert letter.party_sha256  # the stored letter itself is untouched
    missing = verify(tmp_path / "nothing.pdf")
    assert missing.returncode == 1
    assert "Cannot read" in missing.stderr


@pytest.mark.worker(queues="letters")
def test_a_real_worker_renders_signs_and_delivers_the_letter(celery_worker):
    from django.db import transaction

    determination = approved_determination(outcomes=("overturned",))
    with transaction.atomic():
        letter = letter_request(determination=determination, actor=None)

    def delivered():
        current = Letter.objects.get(pk=letter.pk)
        return current.status == LetterStatus.DELIVERED and current

    done = celery_worker.wait_for(delivered, what="the letter to be delivered", timeout=60)
    assert done.party_sha256 and done.public_sha256
    assert Case.objects.get(pk=determination.case_id).status == CaseStatus.ISSUED
    # The file backend may write several messages to one file: count the messages.
    mails = "".join(celery_worker.mails())
    assert mails.count("Subject: Final Determination Letter") == 4
    for address in ("ana.worker@example.org", "lee.park@example.org", "claims@example.org"):
        assert f"To: {address}" in mails
    attachment = f'filename="{determination.case.case_number}-final-determination-v1.pdf"'
    assert mails.count(attachment) == 4


def test_the_seed_letter_prints_the_appeal_the_case_page_shows(seed_case, tmp_path, admin_client):
    """A letter whose method of service is not known is taken as mailed
    (CLOCK_UNKNOWN_LETTER_SERVICE): the appeal runs 30 days + 5 for mail from its date
    (Lab. Code 4610.6(h); 8 CCR 10605(a); Matute v. LAUSD), and the case page agrees. A party
    served outside California is told its longer period beside the date."""
    render(SEED_CASE, "--out", str(tmp_path / "party.pdf"))
    text = " ".join(pdf_text((tmp_path / "party.pdf").read_bytes()).split())

    # Mailed Tue 04/14/2015: 35 days is Tue 05/19/2015.
    assert (
        "Counted from the date of service of this letter, with 5 days added for service other "
        "than personal service to an address in California (10 days to an address elsewhere "
        "in the United States, 20 outside it: 8 CCR 10605(a); Code Civ. Proc. 1013(a)), the 30 "
        "days for an appeal end on 05/19/2015 for a copy served on 04/14/2015; for a copy "
        "served later, they end that many days later (the proof of service gives the date of "
        "service)." in text
    )
    page = admin_client.get(reverse("casefile:case_detail", args=[SEED_CASE])).content.decode()
    assert "Appeal deadline" in page
    appeal = page[page.index("Appeal deadline") :]
    assert "05/19/2015" in appeal[:600]
    assert "Matute" in appeal[:1500]
