"""The batch plan worked out by a Celery task: progress on the page, then the plan to assign
while it is fresh; stale and failed runs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle.models import CaseStatus
from reviews.assignment import services
from reviews.assignment.models import Assignment, PlanRun, PlanRunStatus
from tests.factories import CaseFactory, ready_case, reviewer_with_profile

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BATCH = "assignment:assignments_batch"
# The plan's button, "Assign this case" or "Assign the ticked cases".
ASSIGN_BUTTON = 'class="button button--primary">Assign th'


@pytest.fixture
def admin_client(client, case_admin):
    client.force_login(case_admin)
    return client


def test_work_out_the_plan_in_the_background_then_assign_it(
    admin_client, django_capture_on_commit_callbacks
):
    case = ready_case()
    nobody = ready_case(category="dental")
    reviewer_with_profile("REV-1")
    page = admin_client.get(reverse(BATCH)).content.decode()
    assert "2 cases waiting for a reviewer" in page and "Work out the plan" in page
    assert case.case_number not in page

    # Eagerly, the task runs once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("assignment:assignments_plan"))
    assert response.status_code == 302
    run = PlanRun.objects.get()
    assert run.status == PlanRunStatus.READY and run.created_by is not None
    page = admin_client.get(reverse(BATCH)).content.decode()
    assert case.case_number in page and ">Assign this case</button>" in page
    assert nobody.case_number in page
    assert "No eligible reviewer. Every reviewer (1): No specialty accepted for dental items." in (
        page
    )
    assert "every 1s" not in page  # nothing polls once the plan is ready
    assert not Assignment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(BATCH), {"run": run.pk})
    # Answered by a redirect (from QA: a reload of the answer asked to send the form again).
    assert response.status_code == 302 and response.url == reverse(BATCH)
    page = admin_client.get(response.url).content.decode()
    assert "1 case assigned; the reviewer was notified" in page
    # The cases this plan assigned, each linked, in the success style (from QA: a link to every
    # case waiting for acceptance, drawn as a warning).
    assert '<p class="callout callout--ok" role="status">Done: 1 assigned of 1 planned' in page
    assert f'<a href="/cases/{case.case_number}/">{case.case_number}</a>' in page
    assert '<td data-label="Result"><span class="badge badge--approved">Assigned</span>' in page
    assert Assignment.objects.filter(case=case).count() == 1
    # The plan says it was assigned, by whom: it cannot be assigned a second time.
    assert "This plan was assigned by" in page and ASSIGN_BUTTON not in page
    assert "Stale" not in page


def test_each_planned_score_shows_how_it_is_made(admin_client, django_capture_on_commit_callbacks):
    """From the notes: the batch plan showed total scores only, where the Assign page breaks
    each score down. The parts add up to the score shown."""
    case = ready_case()
    reviewer_with_profile("REV-1")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("assignment:assignments_plan"))
    (planned,) = PlanRun.objects.get().plan["assignments"]
    assert [part["label"] for part in planned["parts"]] == [
        "Specialty match",
        "Load",
        "Spare days",
        "Conflicts",
    ]
    assert sum(part["points"] for part in planned["parts"]) == planned["score"] > 0

    page = admin_client.get(reverse(BATCH)).content.decode()
    assert (
        f'<summary>How it is made<span class="visually-hidden"> for {case.case_number}</span>'
        in page
    )
    load = planned["parts"][1]
    # Scored on the loads before the plan, as it says (a plan may give a reviewer several).
    assert load["why"] == "0 of 5 open cases before this plan"
    assert f"<strong>Load</strong>: {load['points']} of {load['out_of']} · {load['why']}" in page


def test_a_second_click_on_assign_says_the_plan_was_assigned_not_that_it_went_stale(
    admin_client, case_admin
):
    """From a QA pass: a double click on "Assign these 2" (or a second administrator on the
    same plan) showed "Assignments have changed since this plan was worked out. Work out the
    plan again", as if nothing had been assigned."""
    case_admin.first_name, case_admin.last_name = "Carmen", "Alvarez"
    case_admin.save()
    case = ready_case()
    reviewer_with_profile("REV-1")
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    admin_client.post(reverse(BATCH), {"run": run.pk})

    response = admin_client.post(reverse(BATCH), {"run": run.pk}, follow=True)

    page = response.content.decode()
    assert "This plan was assigned by Carmen Alvarez at " in page
    assert "Nothing more was assigned." in page and "have changed" not in page
    assert Assignment.objects.filter(case=case).count() == 1
    run.refresh_from_db()
    assert run.assigned_by == case_admin and run.assigned_at is not None


def test_a_case_unticked_is_left_out_of_the_plan_and_none_ticked_assigns_nothing(admin_client):
    """From QA: a plan could not be adjusted; one case the administrator wanted to keep back
    meant assigning all or working out none. Each row now has its box, ticked."""
    kept, left = ready_case(), ready_case()
    reviewer_with_profile("REV-1")
    reviewer_with_profile("REV-2")
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    page = admin_client.get(reverse(BATCH)).content.decode()
    for case in (kept, left):
        assert (
            f'<input type="checkbox" name="case" value="{case.case_number}" form="plan-assign" '
            "checked" in page
        )
    assert ">Assign the ticked cases</button>" in page

    # None ticked: refused, nothing made, and the plan can still be assigned.
    response = admin_client.post(reverse(BATCH), {"run": run.pk, "chosen": "1"}, follow=True)
    assert "Tick at least one case of the plan to assign; none was." in response.content.decode()
    assert not Assignment.objects.exists()

    response = admin_client.post(  # twice, and one not in the plan (from a review: "-1 left out")
        reverse(BATCH),
        {"run": run.pk, "chosen": "1", "case": [kept.case_number, kept.case_number, "CM26-9"]},
        follow=True,
    )
    page = response.content.decode()
    assert (
        f"Done: 1 assigned of 2 planned (1 not ticked, {left.case_number}: it waits for another "
        "plan or"
    ) in page
    # Each row says what became of it, the one left out too (from QA: after the assignment it
    # was listed as if assigned), and so does the page opened again later.
    for later in (page, admin_client.get(reverse(BATCH)).content.decode()):
        left_row = later[later.index(f">{left.case_number}</a>") :].split("</tr>", 1)[0]
        kept_row = later[later.index(f">{kept.case_number}</a>") :].split("</tr>", 1)[0]
        assert '<span class="badge badge--warn">Not ticked</span>' in left_row
        assert '<span class="badge badge--approved">Assigned</span>' in kept_row
    assert Assignment.objects.filter(case=kept).count() == 1
    assert not Assignment.objects.filter(case=left).exists()
    left.refresh_from_db()
    assert left.status == CaseStatus.RECORDS_COMPLETE


def test_running_plan_is_polled_with_its_progress(admin_client):
    ready_case()
    run = PlanRun.objects.create(status=PlanRunStatus.RUNNING, progress="Loading the roster")
    page = admin_client.get(reverse(BATCH)).content.decode()
    status_url = reverse("assignment:assignments_plan_status", args=[run.pk])
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "Loading the roster" in page and "Work out the plan" not in page

    services.plan_work_out(run_id=run.pk)  # what the worker does
    panel = admin_client.get(status_url, **HTMX).content.decode()
    assert "Plan (" in panel and "every 1s" not in panel
    # Without htmx the status URL sends the visitor to the page.
    assert admin_client.get(status_url).status_code == 302


def test_old_plan_is_stale_and_cannot_be_assigned(admin_client, settings):
    case = ready_case()
    reviewer_with_profile("REV-1")
    settings.ASSIGNMENT_PLAN_FRESH_MINUTES = 10
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    PlanRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    page = admin_client.get(reverse(BATCH)).content.decode()
    assert "more than 10 minutes old" in page and ASSIGN_BUTTON not in page
    assert "Work out the plan again" in page
    response = admin_client.post(reverse(BATCH), {"run": run.pk}, follow=True)
    assert "Work out the plan again before assigning" in response.content.decode()
    assert not Assignment.objects.filter(case=case).exists()


def test_the_assign_button_counts_the_cases_in_words(admin_client):
    """From QA: the button read "Assign these 1"."""
    ready_case()
    reviewer_with_profile("REV-1")
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    page = admin_client.get(reverse(BATCH)).content.decode()
    assert ">Assign this case</button>" in page and "Assign the ticked" not in page
    ready_case()
    reviewer_with_profile("REV-2")
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    page = admin_client.get(reverse(BATCH)).content.decode()
    assert ">Assign the ticked cases</button>" in page


def test_assigning_a_fresh_plan_rechecks_each_pair(admin_client, case_admin):
    case = ready_case()
    reviewer = reviewer_with_profile("REV-1")
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    # The reviewer went on leave after the plan was worked out: the rules now refuse the pair.
    reviewer.reviewer_profile.on_leave = True
    reviewer.reviewer_profile.save()
    page = admin_client.post(reverse(BATCH), {"run": run.pk}, follow=True).content.decode()
    assert "1 refused at the last check" in page and case.case_number in page
    row = page[page.index(f">{case.case_number}</a>") :].split("</tr>", 1)[0]
    assert (
        f'<span class="badge badge--overdue">Refused</span> {reviewer.get_full_name()} cannot '
        "take this case: On leave." in row
    )
    assert not Assignment.objects.filter(case=case).exists()


def test_failed_run_shows_its_error_and_a_retry(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    ready_case()
    reviewer_with_profile("REV-1")

    def broken(*args, **kwargs):
        raise RuntimeError("The assignment solver failed (status 3).")

    monkeypatch.setattr(services, "assignment_plan", broken)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("assignment:assignments_plan"))
    run = PlanRun.objects.get()
    assert run.status == PlanRunStatus.FAILED
    page = admin_client.get(reverse(BATCH)).content.decode()
    assert "could not be worked out" in page and "solver failed (status 3)" in page
    assert "Retry" in page and ASSIGN_BUTTON not in page

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("assignment:assignments_plan"))
    assert PlanRun.objects.first().status == PlanRunStatus.READY
    assert ">Assign this case</button>" in admin_client.get(reverse(BATCH)).content.decode()


@pytest.mark.worker
def test_a_real_worker_works_out_the_plan(celery_worker, case_admin):
    case = ready_case()
    reviewer_with_profile("REV-1")
    run = services.plan_run_start(actor=case_admin)

    def ready():
        current = PlanRun.objects.get(pk=run.pk)
        return current.status in (PlanRunStatus.READY, PlanRunStatus.FAILED) and current

    current = celery_worker.wait_for(ready, what="the plan to be worked out")
    assert current.status == PlanRunStatus.READY, current.error
    assert [row["case"] for row in current.plan["assignments"]] == [case.case_number]
    assert current.plan["assignments"][0]["external_id"] == "REV-1"


def test_assign_on_a_selection_of_the_case_list_plans_those_cases_only(
    admin_client, django_capture_on_commit_callbacks
):
    selected = ready_case()
    not_selected = ready_case()
    not_ready = CaseFactory()  # just received: not ready for a reviewer
    taken = ready_case()
    closed = CaseFactory(status=CaseStatus.TERMINATED)
    reviewer = reviewer_with_profile("REV-1")
    services.reviewer_assign(case=taken, reviewer=reviewer, actor=None)
    page = admin_client.get(reverse("casefile:case_list")).content.decode()
    plan_url = reverse("assignment:assignments_plan")
    assert f'value="assign" formaction="{plan_url}"' in page and "Assign…" in page

    # The case list's bulk form, posted by its "Assign…" button.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            plan_url,
            {
                "action": "assign",
                "case": [
                    selected.case_number,
                    not_ready.case_number,
                    taken.case_number,
                    closed.case_number,
                    "CM99-0000001",
                ],
                "query": "status=",
            },
        )
    assert response["Location"] == reverse(BATCH)
    run = PlanRun.objects.get()
    assert [row["case"] for row in run.plan["assignments"]] == [selected.case_number]
    page = admin_client.get(reverse(BATCH)).content.decode()
    assert "For the 5 cases selected on the case list; 4 left out" in page
    # The count of every waiting case is not read as the selection's (from QA).
    assert "cases waiting for a reviewer in all</h2>" in page
    # From a QA pass: "Not ready for assignment: the case is received." said no more than its
    # status; it says what is missing.
    assert (
        f"{not_ready.case_number}</a></td><td>Not ready for assignment: no eligibility finding "
        "yet, and the records are not complete.</td>"
    ) in page
    # From a QA pass: these read "Not ready for assignment: the case is reviewer assigned"
    # (or "issued", "terminated"), as if they would be one day.
    assert (
        f"{taken.case_number}</a></td><td>The case has a reviewer already (reviewer assigned)."
        in page
    )
    assert (
        f"{closed.case_number}</a></td><td>The case is closed (terminated): it is not "
        "assigned again" in page
    )
    assert "CM99-0000001</td><td>No such case." in page
    assert not_selected.case_number not in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse(BATCH), {"run": run.pk})
    assert set(Assignment.objects.values_list("case", flat=True)) == {selected.pk, taken.pk}


def test_assign_with_nothing_selected_goes_back_to_the_list(admin_client):
    ready_case()
    response = admin_client.post(
        reverse("assignment:assignments_plan"), {"action": "assign", "query": "priority=expedited"}
    )
    assert response["Location"] == reverse("casefile:case_list") + "?priority=expedited"
    assert not PlanRun.objects.exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Select at least one case to assign." in page


def test_assign_every_case_matching_the_filters_plans_for_all_of_them(
    admin_client, django_capture_on_commit_callbacks
):
    # From QA: a selection was one page of 50; "every case matching" takes the filters' cases.
    expedited = [ready_case(priority="expedited") for _ in range(3)]
    standard = ready_case()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("assignment:assignments_plan"),
            {"action": "assign", "scope": "matching", "shown_query": "priority=expedited"},
        )
    assert response["Location"] == reverse(BATCH)
    run = PlanRun.objects.get()
    assert sorted(run.case_numbers) == sorted(case.case_number for case in expedited)
    assert standard.case_number not in run.case_numbers


@pytest.mark.parametrize("run", ["abc", "", "99999"])
def test_assigning_a_plan_that_is_not_one_answers_not_found_and_assigns_nothing(admin_client, run):
    """A plan id that is not a number (a form edited by hand) was a server error."""
    ready_case()
    reviewer_with_profile("REV-1")

    response = admin_client.post(reverse(BATCH), {"run": run})

    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_a_plan_that_failed_before_assigning_anything_can_be_assigned_again(case_admin):
    """From the review: the claim on a plan was made before its pairs; an error other than a
    refusal (the database, a worker stopped) left it "assigned by ..." for good, with nothing
    assigned."""
    from unittest import mock

    case = ready_case()
    reviewer_with_profile("REV-1")
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    run.refresh_from_db()
    with (
        mock.patch.object(services, "reviewer_assign", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        services.plan_run_assign(run=run, actor=case_admin)
    run.refresh_from_db()
    assert run.assigned_at is None and run.assigned_by is None
    result = services.plan_run_assign(run=run, actor=case_admin)
    assert [a.case_id for a in result.assigned] == [case.pk]


def test_an_assignment_stopped_by_a_failure_says_which_cases_it_did_not_reach(
    admin_client, case_admin, monkeypatch
):
    """From a review: after a failure part-way, the rows it never came to were shown as
    "Refused" with no reason, beside "0 refused"."""
    first, second = ready_case(), ready_case()
    reviewer_with_profile("REV-1")
    reviewer_with_profile("REV-2")
    run = PlanRun.objects.create()
    services.plan_work_out(run_id=run.pk)
    real = services.reviewer_assign
    calls = []

    def stops_at_the_second(**kwargs):
        calls.append(kwargs["case"].case_number)
        if len(calls) == 2:
            raise RuntimeError("The database went away.")
        return real(**kwargs)

    monkeypatch.setattr(services, "reviewer_assign", stops_at_the_second)
    with pytest.raises(RuntimeError):
        services.plan_run_assign(run=PlanRun.objects.get(pk=run.pk), actor=case_admin)

    page = admin_client.get(reverse(BATCH)).content.decode()
    made, missed = calls
    assert (
        "Done: 1 assigned of 2 planned, 0 refused at the last check; the assignment stopped "
        in (page)
    )
    row = page[page.index(f">{missed}</a>") :].split("</tr>", 1)[0]
    assert '<span class="badge badge--warn">Not assigned</span>' in row and "Refused" not in row
    assert {made, missed} == {first.case_number, second.case_number}
