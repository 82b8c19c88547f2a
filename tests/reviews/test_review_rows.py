"""The quality queue's and a reviewer's open-case rows (reviews/templatetags/review_rows.py),
drawn in Python for speed: what each row tells its reader, with every value escaped."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle.models import DisputedItem
from reviews.determination.models import Determination
from reviews.determination.services import determination_submit
from reviews.quality.services import determination_return
from tests.factories import (
    PASSWORD,
    UserFactory,
    case_in_review,
    determination_fill,
    login,
)

pytestmark = pytest.mark.django_db


def row_of(page: str, case_number: str) -> str:
    """The table row of `case_number` on a page."""
    rows = re.findall(r"<tr\b.*?</tr>", page, flags=re.S)
    (found,) = [row for row in rows if f">{case_number}</a>" in row]
    return found


def submitted_twice(quality_reviewer):
    """A two-item expedited case, submitted, returned once, and submitted again."""
    case, reviewer, determination = case_in_review(items=2, priority="expedited")
    DisputedItem.objects.filter(case=case, position=2).update(description="Knee <MRI> & X-ray")
    determination_fill(determination, outcomes=("upheld", "overturned"))
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    determination_return(
        determination=Determination.objects.get(pk=determination.pk),
        actor=quality_reviewer,
        comment="Cite the guideline's page.",
    )
    determination_submit(
        determination=Determination.objects.get(pk=determination.pk),
        actor=reviewer,
        password=PASSWORD,
    )
    return case, reviewer, Determination.objects.get(pk=determination.pk)


def test_a_queue_row_shows_the_items_outcome_reviewer_rounds_and_where_to_review(
    client, quality_reviewer
):
    case, reviewer, determination = submitted_twice(quality_reviewer)
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_queue")).content.decode()
    row = row_of(page, case.case_number)

    review = reverse("quality:quality_review", args=[case.case_number])
    assert f'<a class="case-link" href="{review}">{case.case_number}</a>' in row
    assert '<br><span class="badge badge--expedited">Expedited</span>' in row
    items = row.split('data-label="Disputed items">')[1].split("</td>")[0]
    assert items.endswith("; Knee &lt;MRI&gt; &amp; X-ray")
    assert '<td data-label="Outcome">Partially Overturned</td>' in row
    assert reviewer.get_full_name() in row
    assert "resubmitted after 1 round</span>" in row
    submitted_at = timezone.localtime(determination.submitted_at)
    assert f'class="nowrap">{submitted_at:%m/%d/%Y} ' in row
    assert f'href="{review}">Review<span class="visually-hidden"> {case.case_number}</span>' in row


def test_a_reviewers_open_row_says_where_the_work_stands_and_each_items_due_date(client):
    case, reviewer, _ = case_in_review(items=2)
    DisputedItem.objects.filter(case=case, position=2).update(description="Knee <MRI>")
    login(client, reviewer)
    page = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    row = row_of(page, case.case_number)

    workspace = reverse("determination:workspace", args=[case.case_number])
    assert '<span class="badge stage stage--draft">Writing the determination</span>' in row
    assert (
        f'<a class="button button--primary dash-open" href="{workspace}">Continue'
        f'<span class="visually-hidden"> {case.case_number}</span></a>'
    ) in row
    # Two items due the same day: the case's date, said once (from QA: "due 12/08/2026" was
    # repeated for each item), neither singled out as due first.
    assert "item-due" not in row and ": due " not in row and "Due first" not in row
    assert row.count(f"{case.clock.due_on:%m/%d/%Y}") == 1
    # A drug-formulary dispute is due sooner (5 working days): each item's own date (Lab. Code
    # 4610.6(d)), and it alone is marked.
    DisputedItem.objects.filter(case=case, position=2).update(formulary_dispute=True)
    page = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    items_due = re.findall(
        r"<li( class=\"item-due--first\")?>(.*?)</li>", row_of(page, case.case_number)
    )
    assert len(items_due) == 2
    assert [text.split(":")[0] for first, text in items_due if first] == ["Knee &lt;MRI&gt;"]


def test_an_assignment_not_yet_accepted_asks_to_accept_or_decline(client):
    from reviews.assignment.services import reviewer_assign
    from tests.factories import ready_case, reviewer_with_profile

    reviewer = reviewer_with_profile(
        "REV-ROW",
        certifications=("Pain Management", "Anesthesiology"),
        licences=(("CA", "2030-01-01", False),),
    )
    case = ready_case()
    reviewer_assign(case=case, reviewer=reviewer, actor=UserFactory(role="case_admin"))
    login(client, reviewer)
    page = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    row = row_of(page, case.case_number)
    assert '<span class="badge stage stage--assigned">Waiting for you to accept</span>' in row
    assert ">Accept or decline<span" in row


def test_a_finished_row_says_how_it_ended_and_its_outcome(client):
    case, reviewer, determination = case_in_review(items=2)
    determination_fill(determination, outcomes=("upheld", "upheld"))
    Determination.objects.filter(pk=determination.pk).update(status="approved")
    login(client, reviewer)
    page = client.get(reverse("determination:reviewer_dashboard") + "?finished=1").content.decode()
    row = row_of(page[page.index('id="finished-title"') :], case.case_number)

    workspace = reverse("determination:workspace", args=[case.case_number])
    assert row.startswith(f'<tr><td data-label="Case"><a class="case-link" href="{workspace}">')
    assert '<span class="badge stage stage--approved">Approved; letter being issued</span>' in row
    assert '<td data-label="Decided">—</td>' in row
    assert '<td data-label="Outcome">Upheld</td>' in row
