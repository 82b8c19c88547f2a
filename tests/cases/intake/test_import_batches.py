"""Imports write their new cases in batches (one INSERT per table for many cases; issue 12):
the same rows as case_create one by one, an application the database refuses named by its path
as before, and a batch that fails while writing leaving nothing half-made (import_cases) or
done again row by row (the browser import), so a bad application takes no good one down."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError
from django.db.models import QuerySet

from cases.intake import imports, services
from cases.intake.models import ImportRowOutcome, ImportRun, ImportRunStatus
from cases.intake.validation import payload_validate
from cases.lifecycle.models import Case, CaseEvent, DisputedItem, Party
from tests.cases.helpers import run, write_json
from tests.factories import intake_payload

pytestmark = pytest.mark.django_db


def applications(count: int) -> list[dict]:
    return [intake_payload(application_id=f"A-{n}", claim_number=f"05-{n}") for n in range(count)]


def case_rows(case: Case) -> dict:
    """What a case is made of, without its ids, times and its own number."""
    skip = {"id", "case_number", "application_id", "created_at", "updated_at"}
    row = {k: v for k, v in Case.objects.filter(pk=case.pk).values()[0].items() if k not in skip}
    row["parties"] = list(case.parties.values_list("role", "name", "identifier", "specialty"))
    row["items"] = list(case.items.values_list("position", "description", "category"))
    row["events"] = list(case.events.values_list("type", "actor", "details"))
    return row


@pytest.fixture
def model_refuses_a_3(monkeypatch):
    """An application the intake rules let through and the model refuses (its item's
    category), as a change of either could make one."""
    items_new = services._items_new

    def refusing(case, data):
        items = items_new(case, data)
        if data["application_id"] == "A-3":
            items[0].category = "xray"
        return items

    monkeypatch.setattr(services, "_items_new", refusing)


def failing_once(monkeypatch, error: Exception, *, on_call: int = 1):
    """DisputedItem's bulk INSERT fails on its `on_call`th call (a lost connection, a case
    another door made meanwhile)."""
    calls = []
    bulk_create = QuerySet.bulk_create

    def failing(self, objs, *args, **kwargs):
        if self.model is DisputedItem:
            calls.append(1)
            if len(calls) == on_call:
                raise error
        return bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", failing)


# --- import_cases ------------------------------------------------------------------------------


def test_a_batch_makes_the_rows_case_create_makes(tmp_path):
    payload = intake_payload(application_id="A-BULK", priority="expedited")
    run("import_cases", str(write_json(tmp_path, [payload])))
    data = payload_validate(dict(payload, application_id="A-ONE"), base_dir=None, today=None)
    one = services.case_create(data=data[0][0][1], source="import")
    bulk = Case.objects.get(application_id="A-BULK")
    assert case_rows(bulk) == case_rows(one)
    assert bulk.due_on is not None and "8 CCR 9792.10.4(b)" in bulk.due_on_explain


def test_batches_number_cases_in_file_order_and_print_as_before(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    payload = applications(5)
    payload[2]["date_assigned"] = "2016-11-09"  # written on its own, between two batches
    run("import_cases", str(write_json(tmp_path, payload[:1])))
    out, _ = run("import_cases", str(write_json(tmp_path, payload)))
    numbers = [line.split()[1] for line in out.splitlines()]
    assert out.splitlines()[0].endswith("(existing)")
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    assert [line.split()[2] for line in out.splitlines()] == [
        "received",
        "received",
        "awaiting_records",
        "received",
        "received",
    ]
    assert CaseEvent.objects.filter(type="case_received").count() == 5
    assert Party.objects.count() == 5 * 4 and DisputedItem.objects.count() == 5


def test_an_application_the_model_refuses_mid_batch_is_named_and_nothing_is_written(
    tmp_path, monkeypatch, model_refuses_a_3
):
    monkeypatch.setattr(services, "IMPORT_BATCH", 4)
    path = write_json(tmp_path, applications(6))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem found; nothing was imported"):
        call_command("import_cases", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("$[3].category: ")
    assert not Case.objects.exists() and not Party.objects.exists()


def test_a_batch_that_fails_while_writing_leaves_nothing_and_a_rerun_imports_all(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    path = write_json(tmp_path, applications(5))
    with monkeypatch.context() as patched:
        failing_once(patched, OperationalError("server closed the connection"), on_call=2)
        with pytest.raises(OperationalError):
            run("import_cases", str(path))
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    out, _ = run("import_cases", str(path))
    assert len(out.splitlines()) == 5 and "(existing)" not in out
    assert Case.objects.count() == 5


def test_a_case_made_meanwhile_by_another_door_is_found_on_the_second_pass(tmp_path, monkeypatch):
    path = write_json(tmp_path, applications(3))
    failing_once(monkeypatch, IntegrityError("duplicate key value"))
    out, _ = run("import_cases", str(path))
    assert len(out.splitlines()) == 3 and Case.objects.count() == 3
    assert DisputedItem.objects.count() == 3


# --- The browser import ------------------------------------------------------------------------


def import_run(case_admin, payload) -> ImportRun:
    uploaded = SimpleUploadedFile("applications.json", json.dumps(payload).encode())
    started = imports.import_run_start(actor=case_admin, uploaded=uploaded)
    imports.import_run_work(run_id=started.pk)
    started.refresh_from_db()
    return started


def test_an_application_the_model_refuses_mid_chunk_is_refused_alone(
    case_admin, monkeypatch, model_refuses_a_3
):
    monkeypatch.setattr(imports, "IMPORT_CHUNK_ROWS", 4)
    done = import_run(case_admin, applications(6))
    assert (done.status, done.done, done.failed) == (ImportRunStatus.FINISHED, 6, 1)
    refused = done.rows.get(outcome=ImportRowOutcome.REFUSED)
    assert refused.position == 3 and refused.reasons[0].startswith("$[3].category: ")
    made = list(
        done.rows.filter(outcome=ImportRowOutcome.CREATED).values_list(
            "case__application_id", "case__case_number"
        )
    )
    assert [application for application, _ in made] == ["A-0", "A-1", "A-2", "A-4", "A-5"]
    numbers = [number for _, number in made]
    # In the file's order, with no number spent on the refused application.
    assert numbers == sorted(numbers) and int(numbers[-1][-7:]) - int(numbers[0][-7:]) == 4
    assert not Case.objects.filter(application_id="A-3").exists()


def test_a_chunk_that_fails_while_writing_is_done_again_row_by_row(case_admin, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_CHUNK_ROWS", 3)
    failing_once(monkeypatch, IntegrityError("duplicate key value"), on_call=2)
    done = import_run(case_admin, applications(7))
    assert (done.status, done.done, done.failed) == (ImportRunStatus.FINISHED, 7, 0)
    assert list(done.rows.values_list("position", flat=True)) == list(range(7))
    assert Case.objects.count() == 7 and DisputedItem.objects.count() == 7
    assert CaseEvent.objects.filter(type="case_received").count() == 7


def test_a_run_that_dies_mid_file_keeps_its_chunks_and_a_resume_finishes_it(
    case_admin, monkeypatch
):
    monkeypatch.setattr(imports, "IMPORT_CHUNK_ROWS", 2)
    payload = applications(5)
    with monkeypatch.context() as patched:
        # The worker dies in the second chunk (not an error of the data: nothing retries it).
        failing_once(patched, MemoryError(), on_call=2)
        with pytest.raises(MemoryError):
            import_run(case_admin, payload)
    died = ImportRun.objects.get()
    assert (died.status, died.done) == (ImportRunStatus.RUNNING, 2)
    assert Case.objects.count() == 2
    imports.import_run_work(run_id=died.pk)
    died.refresh_from_db()
    assert (died.status, died.done, died.failed) == (ImportRunStatus.FINISHED, 5, 0)
    assert Case.objects.count() == 5
    assert list(died.rows.values_list("position", flat=True)) == list(range(5))


def test_an_application_with_more_than_its_own_rows_is_written_alone_in_file_order(
    case_admin, monkeypatch
):
    """A new case with a Date Assigned (or records, or a legacy determination) is written on
    its own, between the plain ones before and after it, each part committed in turn: the
    chunk's transaction stays short and the run's progress moves."""
    monkeypatch.setattr(imports, "IMPORT_CHUNK_ROWS", 5)
    payload = applications(5)
    payload[2]["date_assigned"] = payload[2]["application_received"]
    together = []
    original = imports._rows_import_together
    monkeypatch.setattr(
        imports,
        "_rows_import_together",
        lambda run, chunk: (together.append([a.position for a in chunk]), original(run, chunk)),
    )
    done = import_run(case_admin, payload)
    assert (done.status, done.done, done.failed) == (ImportRunStatus.FINISHED, 5, 0)
    assert together == [[0, 1], [3, 4]]
    made = list(
        done.rows.order_by("position").values_list("case__application_id", "case__case_number")
    )
    assert [application for application, _ in made] == [f"A-{n}" for n in range(5)]
    numbers = [number for _, number in made]
    assert numbers == sorted(numbers)
    assert Case.objects.get(application_id="A-2").date_assigned is not None
