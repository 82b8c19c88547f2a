"""The import page in a real browser: a file uploaded through the form is imported (tasks run
in-process here; tests/cases/intake/test_import_worker.py runs a real worker) and the page
shows what was made and refused; a run still importing updates itself to "Finished" without a
reload (htmx polling), and stops polling."""

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.intake.models import ImportRun, ImportRunStatus
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, intake_payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_then_watch_a_run_reach_finished(
    page, live_server, reference_data, artifacts, tmp_path
):
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="Import a file").click()

    intake = tmp_path / "two.json"
    intake.write_text(
        json.dumps(
            [intake_payload(application_id="B-1"), intake_payload(application_id="B-2", items=[])]
        )
    )
    page.get_by_label("Intake file (JSON)").set_input_files(str(intake))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import of two.json")).to_be_visible()
    expect(page.locator("#import-progress")).to_contain_text("1 case created", timeout=15_000)
    expect(page.get_by_role("heading", name="Refused (1)")).to_be_visible()
    expect(page.get_by_text("$[1].items")).to_be_visible()
    page.screenshot(path=str(artifacts / "bulk-import-finished.png"), full_page=True)
    # On a phone a refusal's reasons take the card's whole width, under their label (from QA:
    # squeezed beside it into 110 px, "diagnostic_ima / ging").
    page.set_viewport_size({"width": 390, "height": 844})
    reasons = page.locator('td[data-label="Reasons"] ul').first
    assert reasons.bounding_box()["width"] > 280, reasons.bounding_box()
    page.screenshot(path=str(artifacts / "bulk-import-finished-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})

    # A run a worker is still importing: the page follows it by itself.
    run = ImportRun.objects.create(
        created_by=admin,
        original_filename="big.json",
        sha256="0" * 64,
        status=ImportRunStatus.RUNNING,
        total=4,
        done=1,
        heartbeat_at=timezone.now(),
    )
    page.goto(f"{live_server.url}/cases/import/{run.pk}/")
    expect(page.get_by_text("1 of 4 applications done")).to_be_visible()
    ImportRun.objects.filter(pk=run.pk).update(done=3, failed=1)
    expect(page.get_by_text("3 of 4 applications done")).to_be_visible(timeout=10_000)
    ImportRun.objects.filter(pk=run.pk).update(
        done=4, status=ImportRunStatus.FINISHED, finished_at=timezone.now()
    )
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=10_000)
    expect(page.locator("#import-progress")).not_to_have_attribute("hx-trigger", "every 1s")
    page.screenshot(path=str(artifacts / "bulk-import-followed.png"), full_page=True)
