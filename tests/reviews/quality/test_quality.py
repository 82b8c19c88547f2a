"""Quality review (SPEC section 5, after signing): the queue, return with comments on the right
items, resubmission, approval that starts the letter, and every round kept."""

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import Notification, Role
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from cases.lifecycle.services import case_terminate
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.determination.drafting import draft_item_key
from reviews.determination.models import Determination, DeterminationStatus, QualityReview
from reviews.determination.services import (
    determination_autosave,
    determination_submit,
)
from reviews.determination.warnings import review_warnings
from reviews.letters.models import Letter, LetterStatus
from reviews.quality import views as quality_views
from reviews.quality.selectors import determinations_for_quality
from reviews.quality.services import determination_approve, determination_return
from tests.factories import (
    PASSWORD,
    CaseFactory,
    UserFactory,
    case_in_review,
    determination_fill,
    login,
    reviewer_with_profile,
    second_factor_given,
)

pytestmark = pytest.mark.django_db


def submitted(reviewer=None, items=1, **case_overrides):
    case, reviewer, determination = case_in_review(reviewer, items=items, **case_overrides)
    determination_fill(determination, outcomes=("upheld",) * items)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    case.refresh_from_db()
    return case, reviewer, Determination.objects.get(pk=determination.pk)


# --- Services ---------------------------------------------------------------------------------


def test_return_sends_comments_to_the_reviewer_on_the_right_items(quality_reviewer):
    case, reviewer, determination = submitted(items=2)
    first, second = determination.decisions.order_by("item__position")
    review = determination_return(
        determination=determination,
        actor=quality_reviewer,
        comment="Please cite the page.",
        item_comments={second.pk: "Cite the pages of the MTUS section.", first.pk: "  "},
    )
    assert review.number == 1 and review.outcome == "returned"
    assert [(c.decision, c.text) for c in review.item_comments.all()] == [
        (second, "Cite the pages of the MTUS section.")
    ]
    determination.refresh_from_db()
    case.refresh_from_db()
    assert determination.status == DeterminationStatus.RETURNED
    assert case.status == CaseStatus.RETURNED
    event = CaseEvent.objects.get(case=case, type=EventType.DETERMINATION_RETURNED)
    assert event.actor == quality_reviewer and event.details["note"] == "Please cite the page."


def test_the_reviewer_is_told_of_a_return_in_the_app_and_by_email(
    quality_reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    """From a QA pass: a return told the reviewer nothing (no notification, no e-mail) while
    the clock ran on; only a "1 returned" line on their dashboard showed it."""
    case, reviewer, determination = submitted(priority="expedited")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        determination_return(
            determination=determination, actor=quality_reviewer, comment="Cite the page."
        )
    note = Notification.objects.filter(user=reviewer).latest("pk")
    assert note.text.startswith(f"{case.case_number} was returned to you with comments")
    assert note.link == reverse("determination:workspace", args=[case.case_number])
    assert note.urgent  # expedited
    (mail,) = mailoutbox
    assert mail.to == [reviewer.email]
    assert mail.subject == f"IMR case {case.case_number} returned to you by quality review"
    assert "Cite the page." not in mail.body  # the comments stay in the app


def test_quality_review_is_told_in_the_app_of_what_should_not_wait_in_its_queue(
    quality_reviewer, django_capture_on_commit_callbacks
):
    """From QA: quality review heard of nothing, and the reviewer not of an approval. A standard
    first submission is found in the queue (no notification: hundreds a day); an expedited one
    goes to every quality reviewer, urgent; a resubmission to whoever returned it."""
    other = UserFactory(role=Role.QUALITY_REVIEWER)
    standard, reviewer, determination = submitted()
    assert not Notification.objects.filter(user__in=[quality_reviewer, other]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        determination_return(
            determination=determination, actor=quality_reviewer, comment="Cite the page."
        )
    determination.refresh_from_db()
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    note = Notification.objects.get(user=quality_reviewer)
    assert note.text.startswith(f"{standard.case_number} (standard) was submitted again")
    assert note.link == reverse("quality:quality_review", args=[standard.case_number])
    assert not note.urgent
    assert not Notification.objects.filter(user=other).exists()

    with django_capture_on_commit_callbacks(execute=True):
        determination_approve(
            determination=Determination.objects.get(pk=determination.pk), actor=other
        )
    approved = Notification.objects.filter(user=reviewer).latest("pk")
    assert approved.text == (
        f"{standard.case_number} was approved by quality review: the letter is being issued."
    )
    # What quality review was told is answered by the approval, whoever gave it (from QA: the
    # bell kept it unread after the approval).
    note.refresh_from_db()
    assert note.read_at is not None
    quality_reviewer.refresh_from_db()
    assert quality_reviewer.notifications_unread == 0

    expedited, _, _ = submitted(
        reviewer_with_profile("REV-FAST"), priority="expedited", claim_number="99-444444"
    )
    for user in (quality_reviewer, other):
        note = Notification.objects.filter(user=user).latest("pk")
        assert note.text.startswith(f"{expedited.case_number} (expedited) was submitted")
        assert note.urgent


def test_a_returned_determination_is_edited_and_submitted_again(quality_reviewer):
    case, reviewer, determination = submitted()
    determination_return(
        determination=determination, actor=quality_reviewer, comment="Add the page numbers."
    )
    determination.refresh_from_db()
    decision = determination.decisions.get()
    key = draft_item_key(decision.pk, "citation_text")
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=determination.version,
        changes={key: decision.citation_text + " Page(s): 114"},
        bases={key: decision.citation_text},
    )
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    events = CaseEvent.objects.filter(case=case, type=EventType.DETERMINATION_SUBMITTED)
    assert [event.details["resubmitted"] for event in events] == [False, True]


def test_a_returned_determination_opens_on_the_decisions_where_the_comments_are(
    quality_reviewer, client
):
    # Given a complete determination returned with a comment on its item
    case, reviewer, determination = submitted()
    decision = determination.decisions.get()
    determination_return(
        determination=determination,
        actor=quality_reviewer,
        comment="See the item.",
        item_comments={decision.pk: "Cite the page."},
    )

    # When the reviewer opens the case from their dashboard
    client.force_login(reviewer)
    second_factor_given(client, reviewer)
    response = client.get(reverse("determination:workspace", args=[case.case_number]))

    # Then it opens on the decisions, which show the comment, not on the review step
    step3 = reverse("determination:workspace_step", args=[case.case_number, 3])
    assert response.status_code == 302 and response.url == step3
    assert "Cite the page." in client.get(step3).content.decode()


def test_a_determination_returned_with_a_general_comment_only_opens_on_the_summary(
    quality_reviewer, client
):
    """From QA: a comment asking for changes to the summary opened on the decisions."""
    case, reviewer, determination = submitted()
    determination_return(
        determination=determination, actor=quality_reviewer, comment="Add the latest exam."
    )
    client.force_login(reviewer)
    second_factor_given(client, reviewer)

    response = client.get(reverse("determination:workspace", args=[case.case_number]))

    step2 = reverse("determination:workspace_step", args=[case.case_number, 2])
    assert response.status_code == 302 and response.url == step2
    assert "Add the latest exam." in client.get(step2).content.decode()


@pytest.mark.parametrize("comment", [" ", "\u200b", "\ufeff \u200d"])
def test_return_needs_a_comment(quality_reviewer, comment):
    """Spaces, or characters that print nothing, tell the reviewer nothing to change."""
    _, _, determination = submitted()
    first = determination.decisions.first()
    with pytest.raises(ValidationError, match="comment is required"):
        determination_return(
            determination=determination,
            actor=quality_reviewer,
            comment=comment,
            item_comments={first.pk: comment},
        )


def test_approve_starts_the_letter_and_completes_the_assignment(
    quality_reviewer, django_capture_on_commit_callbacks
):
    case, reviewer, determination = submitted()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        determination_approve(determination=determination, actor=quality_reviewer, comment="Clear.")
    determination.refresh_from_db()
    case.refresh_from_db()
    assert determination.status == DeterminationStatus.APPROVED
    assert determination.approved_at is not None
    assert case.status == CaseStatus.APPROVED
    letter = Letter.objects.get(case=case)
    assert letter.determination == determination and letter.status == LetterStatus.QUEUED
    # The render task is queued for after commit.
    assert len(callbacks) == 1
    assignment = Assignment.objects.get(case=case, reviewer=reviewer)
    assert assignment.status == AssignmentStatus.COMPLETED
    assert CaseEvent.objects.filter(case=case, type=EventType.DETERMINATION_APPROVED).exists()


def test_every_round_is_kept(quality_reviewer, django_capture_on_commit_callbacks):
    _, reviewer, determination = submitted()
    determination_return(determination=determination, actor=quality_reviewer, comment="Round one.")
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=False):
        determination_approve(determination=determination, actor=quality_reviewer)
    rounds = QualityReview.objects.filter(determination=determination)
    assert [(r.number, r.outcome) for r in rounds] == [(1, "returned"), (2, "approved")]


def test_only_a_quality_reviewer_decides_and_only_on_a_submitted_determination(
    quality_reviewer, case_admin
):
    case, reviewer, draft = case_in_review()
    with pytest.raises(ValidationError, match="not waiting for quality review"):
        determination_approve(determination=draft, actor=quality_reviewer)
    _, _, determination = submitted(reviewer_with_profile("REV-2"))
    for actor in (case_admin, reviewer):
        with pytest.raises(ValidationError, match="Only a quality reviewer"):
            determination_approve(determination=determination, actor=actor)
        with pytest.raises(ValidationError, match="Only a quality reviewer"):
            determination_return(determination=determination, actor=actor, comment="x")


# --- Pages ------------------------------------------------------------------------------------


def test_the_queue_lists_submitted_determinations_due_first(client, quality_reviewer):
    today = dt.date.today()
    later_case, _, _ = submitted(reviewer_with_profile("REV-A", last_name="Alvarez"))
    sooner_case, _, _ = submitted(reviewer_with_profile("REV-B", last_name="Brooks"))
    later_case.due_on = today + dt.timedelta(days=20)
    later_case.save(update_fields=["due_on"])
    sooner_case.due_on = today + dt.timedelta(days=1)
    sooner_case.save(update_fields=["due_on"])
    draft_case, _, _ = case_in_review(reviewer_with_profile("REV-C"))
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_queue")).content.decode()
    assert page.index(sooner_case.case_number) < page.index(later_case.case_number)
    # Each row names its own reviewer (read for the page shown, not joined to every row).
    assert page.index(sooner_case.case_number) < page.index("Jane Brooks")
    assert page.index("Jane Brooks") < page.index(later_case.case_number)
    assert page.index(later_case.case_number) < page.index("Jane Alvarez")
    assert draft_case.case_number not in page


def test_a_review_terminated_after_submission_leaves_the_quality_queues(client, quality_reviewer):
    """Treatment authorized or the application withdrawn once the determination is in: the
    case is closed and nothing is left to approve or to send back."""
    admin = UserFactory(role=Role.CASE_ADMIN)
    kept, _, _ = submitted(reviewer_with_profile("REV-KEPT"))
    ended, _, ended_determination = submitted(reviewer_with_profile("REV-ENDED"))
    back, _, back_determination = submitted(reviewer_with_profile("REV-BACK"))
    determination_return(
        determination=back_determination, actor=quality_reviewer, comment="Cite the page."
    )
    back_kept, _, back_kept_determination = submitted(reviewer_with_profile("REV-BACK2"))
    determination_return(
        determination=back_kept_determination, actor=quality_reviewer, comment="Cite it."
    )
    case_terminate(case=ended, actor=admin, reason="authorized")
    case_terminate(case=back, actor=admin, reason="withdrawn")
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_queue")).content.decode()
    assert kept.case_number in page and back_kept.case_number in page
    assert ended.case_number not in page and back.case_number not in page
    # Its determination stays as it was submitted (the record). Its page offers no decision
    # and says why; approving or returning it anyway is refused with the same reason.
    ended_determination.refresh_from_db()
    assert ended_determination.status == DeterminationStatus.SUBMITTED
    review = client.get(reverse("quality:quality_review", args=[ended.case_number]))
    html = review.content.decode()
    assert "The case is terminated: the review has ended" in html
    assert f"Approve {ended.case_number}" not in html and "Return with comments" not in html
    with pytest.raises(ValidationError, match="the review has ended"):
        determination_approve(determination=ended_determination, actor=quality_reviewer)
    with pytest.raises(ValidationError, match="the review has ended"):
        determination_return(
            determination=ended_determination, actor=quality_reviewer, comment="Cite it."
        )
    # A page open since the review ended: its decision goes back to the page, which says why.
    for route, data in (
        ("quality:quality_approve", {"password": PASSWORD}),
        ("quality:quality_return", {"comment": "Cite it."}),
    ):
        answer = client.post(reverse(route, args=[ended.case_number]), data)
        assert answer.status_code == 302
        assert answer["Location"] == reverse("quality:quality_review", args=[ended.case_number])
        shown = client.get(answer["Location"]).content.decode()
        assert shown.count("the review has ended") == 2  # the message, and the page's own line
    ended_determination.refresh_from_db()
    assert ended_determination.status == DeterminationStatus.SUBMITTED


def test_the_queue_is_paged_and_shows_no_rationale(client, quality_reviewer, monkeypatch):
    monkeypatch.setattr(quality_views, "QUEUE_PAGE_SIZE", 1)
    today = dt.date.today()
    first_case, _, first = submitted(reviewer_with_profile("REV-P1"))
    second_case, _, _ = submitted(reviewer_with_profile("REV-P2"))
    first_case.due_on = today + dt.timedelta(days=1)
    first_case.save(update_fields=["due_on"])
    second_case.due_on = today + dt.timedelta(days=9)
    second_case.save(update_fields=["due_on"])
    first.decisions.update(rationale="Rationale read only on the review page.")
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_queue")).content.decode()
    assert first_case.case_number in page and second_case.case_number not in page
    assert "Next" in page and "Rationale read only on the review page." not in page
    page = client.get(reverse("quality:quality_queue"), {"page": 2}).content.decode()
    assert second_case.case_number in page and first_case.case_number not in page


@pytest.mark.parametrize("role_fixture", ["reviewer", "case_admin"])
def test_quality_pages_are_for_quality_reviewers_only(client, request, role_fixture):
    case, _, _ = submitted()
    login(client, request.getfixturevalue(role_fixture))
    assert client.get(reverse("quality:quality_queue")).status_code == 403
    assert client.get(reverse("quality:quality_review", args=[case.case_number])).status_code == 403
    assert (
        client.post(reverse("quality:quality_approve", args=[case.case_number])).status_code == 403
    )


def test_return_through_the_page_reaches_the_reviewer_on_the_item(client, quality_reviewer):
    case, reviewer, determination = submitted()
    decision = determination.decisions.get()
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert "lumbar radiculopathy" in page and "Return with comments" in page
    # Each label points at its own box: no id is used twice on the page.
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    response = client.post(
        reverse("quality:quality_return", args=[case.case_number]),
        {"comment": "", f"item-{decision.pk}": "Say which block the records describe."},
    )
    assert response.url == reverse("quality:quality_queue")
    client.logout()
    login(client, reviewer)
    step3 = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 3])
    ).content.decode()
    item_html = step3[step3.index(f'id="item-{decision.pk}"') :]
    assert "Quality review asks:" in item_html
    assert "Say which block the records describe." in item_html
    dashboard = client.get(reverse("determination:reviewer_dashboard")).content.decode()
    assert "Returned with comments" in dashboard


def test_the_comments_a_browser_kept_for_a_return_are_forgotten_once_it_is_sent(
    client, quality_reviewer
):
    """static/js/quality_comments.js keeps the comments typed for a return in the browser (from
    QA: a reload lost them); the queue a sent return lands on names them, once, to forget."""
    case, _, determination = submitted()
    login(client, quality_reviewer)
    prefix = f"imr-quality:{quality_reviewer.pk}:{case.case_number}:"
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert (
        f'data-quality-comments="{prefix}" data-version="v{determination.version}"' in page
        and "js/quality_comments.js" in page
    )
    queue = reverse("quality:quality_queue")
    assert "data-quality-comments-sent" not in client.get(queue).content.decode()
    client.post(reverse("quality:quality_return", args=[case.case_number]), {"comment": "Cite."})
    assert f'data-quality-comments-sent="{prefix}"' in client.get(queue).content.decode()
    assert "data-quality-comments-sent" not in client.get(queue).content.decode()


def test_a_resubmission_shows_what_was_asked_before_the_text_that_answers_it(
    client, quality_reviewer
):
    # Given a determination returned with a comment, then submitted again
    case, reviewer, determination = submitted()
    determination_return(
        determination=determination, actor=quality_reviewer, comment="Add the page numbers."
    )
    determination.refresh_from_db()
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)

    # When the medical director opens it
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()

    # Then the earlier round is read first, above the summary and the decisions; from QA: it sat
    # in the side column below the records, out of view
    main = page.split('<div class="ws-main">', 1)[1].split('<aside class="ws-side"', 1)[0]
    assert "Earlier rounds" in main
    assert main.index("Add the page numbers.") < main.index("Clinical case summary")


def test_the_medical_director_reads_the_letter_as_it_will_print_before_approving(
    client, quality_reviewer, request
):
    case, _, _ = submitted()
    preview = reverse("letters:quality_preview", args=[case.case_number])
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert preview in page
    response = client.get(preview)
    letter = response.content.decode()
    assert response.status_code == 200
    assert "CLINICAL CASE SUMMARY" in letter and case.case_number in letter
    assert "default-src 'none'" in response["Content-Security-Policy"]
    # Only the quality side reads a submitted determination's letter this way; no draft has one.
    draft_case, _, _ = case_in_review(reviewer_with_profile("REV-SECOND"), claim_number="99-555555")
    assert (
        client.get(reverse("letters:quality_preview", args=[draft_case.case_number])).status_code
        == 404
    )
    client.logout()
    login(client, request.getfixturevalue("case_admin"))
    assert client.get(preview).status_code == 403


def test_an_empty_return_is_refused_on_the_page(client, quality_reviewer):
    case, _, _ = submitted()
    login(client, quality_reviewer)
    response = client.post(
        reverse("quality:quality_return", args=[case.case_number]), {"comment": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "write a comment" in page
    # From QA: said far down the page, out of view; now at the top of the return form, focused
    # when the page opens, and the box is not marked "(optional)".
    summary = page.split('<div class="form-error" role="alert" tabindex="-1" autofocus>', 1)[1]
    assert "write a comment" in summary.split("</div>", 1)[0]
    label = page.split('for="id_comment"', 1)[1].split("</label>", 1)[0]
    assert "optional" not in label


def test_approve_through_the_page(client, quality_reviewer, django_capture_on_commit_callbacks):
    case, _, determination = submitted()
    login(client, quality_reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("quality:quality_approve", args=[case.case_number]), {})
    assert response.url == reverse("quality:quality_queue")
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.APPROVED
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    # The queue's message links to the case, whose page shows the letter (from QA).
    queue = client.get(response.url).content.decode()
    assert (
        f'<a href="/cases/{case.case_number}/#letters-title">{case.case_number}</a> approved; '
        "the letter is being issued: its case page shows its progress, then the letter."
    ) in queue
    # Told where the page it leads to begins: focused (from QA: the focus was on the page).
    assert '<div class="message message--success" tabindex="-1" autofocus>' in queue
    # And the queue lists it under the director's own recent approvals, with the way to its
    # letter (from QA: an approved case left the queue with no way back to it)
    approved = queue.split('id="approved-title"', 1)[1]
    assert "Approved by you, the last 14 days" in approved
    assert f'href="/cases/{case.case_number}/#letters-title">The letter' in approved
    assert ">Upheld</td>" in approved
    other = UserFactory(role=Role.QUALITY_REVIEWER)
    login(client, other)
    assert (
        'id="approved-title"' not in client.get(reverse("quality:quality_queue")).content.decode()
    )
    login(client, quality_reviewer)
    case_page = client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert '<h2 id="letters-title">Final Determination Letter</h2>' in case_page.content.decode()
    # Its approval is not listed as an earlier round (from QA)
    review = client.get(reverse("quality:quality_review", args=[case.case_number]))
    assert "Quality review rounds" in review.content.decode()
    assert "Earlier rounds" not in review.content.decode()


def test_a_confirmed_contradiction_is_approved_only_once_the_director_ticks_they_read_it(
    client, quality_reviewer, django_capture_on_commit_callbacks
):
    """From QA: an item Overturned whose rationale ended "…is not medically necessary" was
    confirmed by its reviewer and approved with no more than a line in a list, and the letter
    contradicted itself. The approval now asks the second physician to say they read it."""
    case, reviewer, determination = case_in_review()
    determination_fill(determination, outcomes=("overturned",))
    decision = determination.decisions.get()
    decision.rationale = (
        "The guideline's criteria are not met. The request is not medically necessary."
    )
    decision.save()
    warnings = review_warnings(determination)
    assert [w.code.split(":")[0] for w in warnings] == ["contradiction"]
    determination.warnings_confirmed = [w.key for w in warnings]
    determination.save()
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    determination.refresh_from_db()
    login(client, quality_reviewer)
    url = reverse("quality:quality_approve", args=[case.case_number])

    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert "I have read the rationale of item 1: its decision is right as it stands" in page
    refused = client.post(url, {"version": determination.version})

    assert refused.status_code == 400
    assert "Tick that you read the rationale of item 1, or return the determination" in (
        refused.content.decode()
    )
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED
    with pytest.raises(ValidationError, match="Read the rationale"):
        determination_approve(determination=determination, actor=quality_reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        approved = client.post(url, {"version": determination.version, "contradictions_read": "on"})
    assert approved.url == reverse("quality:quality_queue")
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.APPROVED
    # The tick is kept, with what it was given for, in the case's history
    event = CaseEvent.objects.get(case=case, type=EventType.DETERMINATION_APPROVED)
    assert event.details["contradictions_read"] == [warnings[0].message]
    history = client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert "Approved having read each decision against its rationale: Item 1" in (
        history.content.decode()
    )


def test_a_draft_has_no_quality_review_page_and_the_queue_says_why(client, quality_reviewer):
    case, _, _ = case_in_review()
    login(client, quality_reviewer)
    response = client.get(reverse("quality:quality_review", args=[case.case_number]))
    assert response.status_code == 302 and response.url == reverse("quality:quality_queue")
    queue = html.unescape(client.get(response.url).content.decode())
    assert (
        f"{case.case_number} has no determination waiting for quality review: the case is now "
        "“In review”. It comes back to this queue when its reviewer submits a determination."
    ) in queue
    # One with no reviewer yet is said so (from QA: "its reviewer" of a case with none).
    waiting = CaseFactory()
    response = client.get(
        reverse("quality:quality_review", args=[waiting.case_number]), follow=True
    )
    assert "It comes to this queue once a reviewer is assigned and submits a determination." in (
        html.unescape(response.content.decode())
    )
    # A case the quality reviewer may not see is still not found.
    assert client.get(reverse("quality:quality_review", args=["CM99-9999999"])).status_code == 404


def test_quality_reviewer_cannot_be_a_qr_of_their_own(quality_reviewer):
    # Roles do not mix today; the rule still holds if they ever do.
    _, _, determination = submitted()
    Determination.objects.filter(pk=determination.pk).update(reviewer=quality_reviewer)
    with pytest.raises(ValidationError, match="its own author"):
        determination_approve(determination=determination, actor=quality_reviewer)


def test_queue_query_count_does_not_grow_with_the_determinations(
    client, quality_reviewer, django_assert_num_queries
):
    reviewers = iter(reviewer_with_profile(f"REV-Q{n}") for n in range(8))

    def waiting_and_returned(count):
        for _ in range(count):
            submitted(next(reviewers))
            _, _, determination = submitted(next(reviewers))
            determination_return(
                determination=determination, actor=quality_reviewer, comment="Cite the page."
            )

    # The session, the user, the waiting determinations with their decisions, rounds, open
    # consistency flags, case items and reviewers, the returned ones (a row's clock is the
    # stored due date: no items), the user's recent approvals.
    login(client, quality_reviewer)
    waiting_and_returned(1)
    with django_assert_num_queries(QUEUE_QUERIES):
        client.get(reverse("quality:quality_queue"))
    waiting_and_returned(3)
    with django_assert_num_queries(QUEUE_QUERIES):
        page = client.get(reverse("quality:quality_queue")).content.decode()
    assert page[page.index("Returned, with the reviewer") :].count('class="case-link"') == 4


# ... and the audit log's row for the read (audit.routes).
QUEUE_QUERIES = 11


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering index")
def test_the_index_of_waiting_determinations_holds_every_column_the_queue_reads():
    # Issue 12: the queue joins every waiting determination to its case before it sorts them
    # by the case's due date; reading each from the table cost a page per determination (2.7 of
    # the query's 6 ms for 1,002 waiting at 200,000 cases), from index
    # determination_awaiting_quality alone (an index-only scan) 0.4 ms. A column the queue
    # reads from the determinations without the index, or a filter its predicate does not
    # hold, would read the table again and fails here.
    sql, _params = determinations_for_quality()[:51].query.sql_with_params()
    read = set(re.findall(r'"reviews_determination"\."(\w+)"', sql))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'determination_awaiting_quality'"
        )
        (definition,) = cursor.fetchone()
    held, _where, predicate = definition.partition(" WHERE ")
    assert read <= set(re.findall(r"\w+", held)) | {"imported"}, read
    assert sorted(predicate.strip("()").split(") AND (")) == [
        "(status)::text = 'submitted'::text",
        "NOT imported",
    ]
    assert '"reviews_determination"."imported"' in sql.partition(" WHERE ")[2]


def test_a_refused_approval_sent_by_htmx_redraws_the_approval_form_alone(
    client, quality_reviewer, django_capture_on_commit_callbacks
):
    """From a QA pass: a refused approval redrew the whole page, so the comments typed on the
    items for a return were lost. With htmx only the approval form is swapped."""
    case, _, determination = submitted()
    login(client, quality_reviewer)
    url = reverse("quality:quality_approve", args=[case.case_number])
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert 'hx-select="#approve-form"' in page and 'id="approve-form"' in page
    Determination.objects.filter(pk=determination.pk).update(reviewer=quality_reviewer)
    refused = client.post(url, {"comment": "Fine as written"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200  # swapped in place, the reason with the form
    assert "its own author" in refused.content.decode()
    assert "Fine as written" in refused.content.decode()  # what was typed comes back
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED
    Determination.objects.filter(pk=determination.pk).update(reviewer=UserFactory(role="reviewer"))
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(url, {}, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == reverse("quality:quality_queue")


def _resubmitted_meanwhile(determination, reviewer, *, new_rationale):
    """Another medical director returns the determination and its reviewer submits it again
    with a new rationale, while the first director's page stays open."""
    other_director = UserFactory(role=Role.QUALITY_REVIEWER)
    determination_return(determination=determination, actor=other_director, comment="Redo it.")
    determination.refresh_from_db()
    decision = determination.decisions.get()
    key = draft_item_key(decision.pk, "rationale")
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=determination.version,
        changes={key: new_rationale},
        bases={key: decision.rationale},
    )
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)


def _page_version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page)[1]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_approval_from_a_page_drawn_before_a_resubmission_is_refused(
    client, quality_reviewer, django_capture_on_commit_callbacks, htmx
):
    """From a QA pass: a review page left open while the determination was returned (by
    another director) and submitted again approved the new text, which its director never
    read. The approval is refused and the page shows the text as submitted now."""
    case, reviewer, determination = submitted()
    login(client, quality_reviewer)
    url = reverse("quality:quality_review", args=[case.case_number])
    seen = _page_version(client.get(url).content.decode())
    new_rationale = (
        "Rewritten after the return: the MTUS does not support it; not medically necessary."
    )
    _resubmitted_meanwhile(determination, reviewer, new_rationale=new_rationale)

    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post(
            reverse("quality:quality_approve", args=[case.case_number]),
            {"version": seen},
            **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
        )

    assert (answer["HX-Redirect"] if htmx else answer.url) == url
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED
    assert not Letter.objects.filter(case=case).exists()
    page = client.get(url).content.decode()
    assert "submitted this determination again" in page and "Nothing was approved" in page
    assert new_rationale in page
    # Read, the new version can be approved.
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(
            reverse("quality:quality_approve", args=[case.case_number]),
            {"version": _page_version(page)},
        )
    assert done.url == reverse("quality:quality_queue")
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.APPROVED


def test_a_return_from_a_page_drawn_before_a_resubmission_keeps_the_comments(
    client, quality_reviewer
):
    case, reviewer, determination = submitted()
    login(client, quality_reviewer)
    url = reverse("quality:quality_review", args=[case.case_number])
    seen = _page_version(client.get(url).content.decode())
    _resubmitted_meanwhile(
        determination,
        reviewer,
        new_rationale="Rewritten after the return: the MTUS does not support it; not medically "
        "necessary.",
    )
    rounds = QualityReview.objects.filter(determination=determination).count()

    answer = client.post(
        reverse("quality:quality_return", args=[case.case_number]),
        {"version": seen, "comment": "Cite the page of the guideline."},
    )

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "submitted this determination again" in page
    assert "Cite the page of the guideline." in page  # what was typed stays in its box
    assert QualityReview.objects.filter(determination=determination).count() == rounds
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED
    # Sent again from the page as drawn now, the return goes through.
    again = client.post(
        reverse("quality:quality_return", args=[case.case_number]),
        {"version": _page_version(page), "comment": "Cite the page of the guideline."},
    )
    assert again.status_code == 302
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.RETURNED


def test_a_return_with_an_item_comment_too_long_says_so_at_the_item(client, quality_reviewer):
    # Given a determination of two items, when the medical director returns it with a
    # comment on the second item longer than a comment may be,
    case, _, determination = submitted(items=2)
    second = determination.decisions.order_by("item__position")[1]
    login(client, quality_reviewer)
    response = client.post(
        reverse("quality:quality_return", args=[case.case_number]),
        {"comment": "", f"item-{second.pk}": "Cite the page. " * 300},
    )
    # then nothing is returned, the page does not claim no comment was written, and it says
    # at the item (and beside the button) that this comment is too long, keeping its text.
    assert response.status_code == 400
    page = response.content.decode()
    assert "write a comment" not in page
    assert "shorten your comment on item 2" in page
    item_html = page[page.index(f'id="item-{second.pk}"') :]
    item_html = item_html[: item_html.index("</section>")]
    assert "at most 4000 characters" in item_html
    assert f'aria-describedby="id_item-{second.pk}_error"' in item_html
    assert "Cite the page. Cite the page." in item_html
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED


def test_the_returned_list_dates_each_determination_by_its_return_not_its_last_edit(
    client, quality_reviewer
):
    # Given a determination returned three days ago that its reviewer has been revising since
    # (each autosave moves the determination's updated_at),
    case, reviewer, determination = submitted()
    determination_return(
        determination=determination, actor=quality_reviewer, comment="Cite the page."
    )
    returned_on = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    QualityReview.objects.filter(determination=determination).update(created_at=returned_on)
    Determination.objects.filter(pk=determination.pk).update(
        updated_at=returned_on + dt.timedelta(days=3)
    )
    # when the medical director opens the queue,
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_queue")).content.decode()
    # then the returned row says when it was returned.
    row = page[page.index("Returned, with the reviewer") :]
    assert '<td data-label="Returned">03/02/2026</td>' in row


def test_the_returned_list_says_whose_login_is_deactivated(client, quality_reviewer):
    # From a QA round: a determination returned to a reviewer since deactivated waits for the
    # case administrators to reassign the case; the medical director's list did not say so.
    case, reviewer, determination = submitted()
    determination_return(
        determination=determination, actor=quality_reviewer, comment="Cite the page."
    )
    other_case, other, other_determination = submitted(reviewer_with_profile("REV-STAYS"))
    determination_return(
        determination=other_determination, actor=quality_reviewer, comment="Cite the page."
    )
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    login(client, quality_reviewer)
    page = client.get(reverse("quality:quality_queue")).content.decode()
    rows = page[page.index("Returned, with the reviewer") :].split("<tr>")[1:]
    flagged = [row for row in rows if "login deactivated: to be reassigned" in row]
    assert len(flagged) == 1 and case.case_number in flagged[0]
