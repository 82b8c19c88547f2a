"""manage.py import_decisions PATH: published letters (text or PDF) into the library, one line
per decision, idempotent by case number; a file it cannot read is named with the reason."""

import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reviews.precedents.models import PrecedentDecision, PrecedentItem
from tests.reviews.letter_utils import shared_path

pytestmark = pytest.mark.django_db
LETTERS = Path(__file__).parent / "letters"
SEED = shared_path("seed", "000_7c79c077a4ea3112.txt")


def import_decisions(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_decisions", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_seed_letter_is_one_upheld_item_keyed_by_its_file_name(tmp_path):
    """The seed text has no header block: its file name stands for the case number."""
    out, err = import_decisions(SEED)

    assert out == "000_7c79c077a4ea3112 1 upheld\n" and err == ""
    decision = PrecedentDecision.objects.get(case_number="000_7c79c077a4ea3112")
    assert decision.source == "published" and decision.case is None
    assert decision.reviewer_specialty == "Preventive Medicine, Occupational Medicine"
    item = decision.items.get()
    assert item.description == (
        "Left lumbar sympathetic block, monitored anesthesia care, epidurography"
    )
    assert item.outcome == "upheld" and item.guideline_source == "mtus"
    assert item.citation == (
        "MTUS Chronic Pain Treatment Guidelines Lumbar Sympathetic Blocks Page(s): 114"
    )
    assert item.rationale.startswith("There is limited evidence to support this procedure")
    assert item.rationale.endswith("cannot be considered medically necessary.")
    assert "case-by-case reasoning" in item.rationale


def test_a_case_number_in_the_file_name_is_used_when_the_letter_has_none(tmp_path):
    shutil.copy(SEED, tmp_path / "CM15-0046802.txt")

    assert import_decisions(tmp_path)[0] == "CM15-0046802 1 upheld\n"


def test_a_full_letter_reads_its_header_items_and_guidelines():
    out, _ = import_decisions(LETTERS / "CM16-0123456.txt")

    assert out == "CM16-0123456 2 partially_overturned\n"
    decision = PrecedentDecision.objects.get(case_number="CM16-0123456")
    assert decision.decided_on == dt.date(2016, 2, 2) and decision.priority == "expedited"
    assert decision.reviewer_specialty == "Physical Medicine & Rehabilitation, Pain Medicine"
    norco, therapy = decision.items.all()
    # A modified request: the portion left to decide.
    assert (norco.description, norco.outcome) == ("Norco 10/325mg #60", "overturned")
    assert norco.guideline_source == "odg"
    assert norco.citation == "Official Disability Guidelines (ODG), Pain chapter, Opioids"
    # The page break's running header and footer are not part of the rationale.
    assert norco.rationale.endswith(
        "prescriptions. The continued prescription is therefore medically necessary."
    )
    assert (therapy.description, therapy.outcome) == ("Physical therapy 2x4 lumbar spine", "upheld")
    assert therapy.guideline_source == "mtus"


def test_importing_again_updates_and_adds_nothing(tmp_path):
    shutil.copy(LETTERS / "CM16-0123456.txt", tmp_path)
    shutil.copy(SEED, tmp_path)

    first, _ = import_decisions(tmp_path)
    second, _ = import_decisions(tmp_path)

    assert first == second == "000_7c79c077a4ea3112 1 upheld\nCM16-0123456 2 partially_overturned\n"
    assert PrecedentDecision.objects.count() == 2 and PrecedentItem.objects.count() == 3


def test_a_file_it_cannot_read_is_named_with_why_and_the_rest_still_load(tmp_path):
    shutil.copy(LETTERS / "CM16-0123456.txt", tmp_path)
    shutil.copy(LETTERS / "not-a-letter.txt", tmp_path)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "notes.doc").write_text("ignored: not .txt or .pdf")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_decisions", str(tmp_path), stdout=out, stderr=err)

    assert out.getvalue() == "CM16-0123456 2 partially_overturned\n"
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(str(tmp_path / "broken.pdf")) and "pdftotext failed" in lines[0]
    assert lines[1] == (
        f'{tmp_path / "not-a-letter.txt"}: no "IMR ISSUES, DECISIONS AND RATIONALES" section'
    )
    assert refused.value.returncode == 1
    assert "2 of 3 files" in str(refused.value)


def test_an_item_without_its_guideline_lines_is_refused(tmp_path):
    letter = tmp_path / "CM16-0000001.txt"
    letter.write_text(
        "IMR ISSUES, DECISIONS AND RATIONALES\nKnee brace: Upheld\nDecision rationale: No.\n"
    )

    with pytest.raises(CommandError):
        call_command("import_decisions", str(letter), stdout=StringIO(), stderr=StringIO())

    assert not PrecedentDecision.objects.exists()


def test_our_own_public_letter_pdf_reads_back_as_issued(tmp_path):
    """A public letter rendered by the letters pipeline (the seed case), read with pdftotext
    -layout: the same item, guideline and rationale as the determination."""
    call_command("import_cases", str(shared_path("examples", "seed-case.json")), stdout=None)
    pdf = tmp_path / "public.pdf"
    call_command("render_letter", "CM15-0046802", "--out", str(pdf), "--public", stdout=StringIO())
    PrecedentDecision.objects.all().delete()

    out, err = import_decisions(pdf)

    assert (out, err) == ("CM15-0046802 1 upheld\n", "")
    decision = PrecedentDecision.objects.get(case_number="CM15-0046802")
    assert decision.decided_on == dt.date(2015, 4, 14) and decision.priority == "standard"
    assert decision.reviewer_specialty == "Preventive Medicine, Occupational Medicine"
    item = decision.items.get()
    assert item.description == (
        "Left lumbar sympathetic block, monitored anesthesia care, epidurography"
    )
    assert item.citation == (
        "MTUS Chronic Pain Treatment Guidelines Lumbar Sympathetic Blocks Page(s): 114"
    )
    assert item.rationale.endswith("cannot be considered medically necessary.")
