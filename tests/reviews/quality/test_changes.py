"""A determination submitted again after a return: the medical director's page says what the
reviewer changed since the return, and marks the words added and removed."""

import pytest
from django.urls import reverse

from reviews.determination.drafting import draft_item_key
from reviews.determination.models import Determination, QualityReview
from reviews.determination.services import determination_autosave, determination_submit
from reviews.quality.changes import _SENTENCES, TextChange
from reviews.quality.services import determination_return
from tests.factories import PASSWORD, case_in_review, determination_fill, login

pytestmark = pytest.mark.django_db


def _submitted(items=2):
    case, reviewer, determination = case_in_review(items=items)
    determination_fill(determination, outcomes=("upheld",) * items)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    return case, reviewer, Determination.objects.get(pk=determination.pk)


def _revise(determination, reviewer, changes):
    """The reviewer edits the returned determination (as the workspace's autosave does)."""
    determination.refresh_from_db()
    determination_autosave(
        determination=determination, actor=reviewer, version=determination.version, changes=changes
    )
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)


def _page(client, user, case) -> str:
    login(client, user)
    return client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()


def test_the_second_round_says_which_parts_changed_and_marks_the_words(client, quality_reviewer):
    case, reviewer, determination = _submitted(items=2)
    first, second = determination.decisions.order_by("item__position")
    determination_return(
        determination=determination,
        actor=quality_reviewer,
        comment="Item 2: the records document relief.",
    )
    _revise(
        determination,
        reviewer,
        {
            draft_item_key(second.pk, "outcome"): "overturned",
            draft_item_key(second.pk, "rationale"): (
                "The records document lasting relief from a prior block, so the request is "
                "medically necessary."
            ),
        },
    )

    page = _page(client, quality_reviewer, case)

    panel = page[page.index('id="changes-title"') : page.index('id="summary-title"')]
    assert "Changed since round 1’s return" in panel
    assert f'href="#item-{second.pk}">Item 2</a>' in panel and "outcome, rationale" in panel
    assert f'href="#item-{first.pk}"' not in panel
    assert "Unchanged: the summary; item 1." in panel
    second_html = page[page.index(f'id="item-{second.pk}"') :]
    assert "Outcome: was <strong>Upheld</strong>, now <strong>Overturned</strong>." in second_html
    assert "removed: </span>; none is documented</del>, so the request is" in second_html
    assert "removed: </span>not </del>medically necessary." in second_html
    assert "added: </span>records document </ins>lasting relief" in second_html
    first_html = page[page.index(f'id="item-{first.pk}"') : page.index(f'id="item-{second.pk}"')]
    assert "Unchanged since the return." in first_html and "<del>" not in first_html


def test_a_resubmission_unchanged_says_so(client, quality_reviewer):
    case, reviewer, determination = _submitted(items=1)
    determination_return(determination=determination, actor=quality_reviewer, comment="Check.")
    _revise(determination, reviewer, {})

    page = _page(client, quality_reviewer, case)

    assert "Nothing in the summary or the decisions was changed" in page
    assert "Show what changed" not in page


def test_a_first_submission_shows_no_changes(client, quality_reviewer):
    case, _reviewer, _determination = _submitted(items=1)

    page = _page(client, quality_reviewer, case)

    assert "Return with comments" in page and 'id="changes-title"' not in page
    assert "Unchanged since the return" not in page


def test_the_summary_changed_is_listed_and_marked(client, quality_reviewer):
    case, reviewer, determination = _submitted(items=1)
    determination_return(determination=determination, actor=quality_reviewer, comment="Dates.")
    determination.refresh_from_db()
    _revise(
        determination,
        reviewer,
        {"summary": determination.clinical_summary + " An MRI of 01/02/2026 showed <L5> stenosis."},
    )

    page = _page(client, quality_reviewer, case)

    assert '<li><a href="#summary-title">Clinical case summary</a></li>' in page
    assert "Unchanged: item 1." in page
    # What was typed is shown as text, never as markup.
    assert "showed &lt;L5&gt; stenosis." in page and "<L5>" not in page


def test_words_are_marked_whole_and_escaped():
    change = TextChange("Deny the <b>block</b> now.", "Approve the <b>block</b> now, once.")

    marked = str(change.marked)

    added = '<ins><span class="visually-hidden">added: </span>'
    removed = '<del><span class="visually-hidden">removed: </span>'
    assert change.changed
    assert marked == (
        f"{removed}Deny </del>{added}Approve </ins>the &lt;b&gt;block&lt;/b&gt; now"
        f"{added}, once</ins>."
    )


def test_a_word_followed_now_by_a_mark_is_not_marked_changed():
    """From QA: "therapy" was struck and "therapy, a home exercise" added, and "2004" struck
    then added again in a guideline, a word compared with the space after it."""
    added = '<ins><span class="visually-hidden">added: </span>'
    removed = '<del><span class="visually-hidden">removed: </span>'
    change = TextChange(
        "Continue physical therapy as before.", "Continue physical therapy, a home exercise."
    )
    assert str(change.marked) == (
        f"Continue physical therapy{removed} as before</del>{added}, a home exercise</ins>."
    )
    guideline = TextChange(
        "ACOEM 2004 Knee Complaints", "ACOEM 2004 Surgical Considerations, Knee Complaints"
    )
    assert str(guideline.marked) == (
        f"ACOEM 2004 {added}Surgical Considerations, </ins>Knee Complaints"
    )


def test_white_space_at_the_ends_is_no_change():
    assert not TextChange("The same text.\n", "The same text.").changed


def test_a_change_of_the_guideline_s_kind_alone_is_a_change(client, quality_reviewer):
    """From a review: the same text under another kind prints another sentence in the letter
    ("Decision based on …" or not), and was shown as unchanged."""
    case, reviewer, determination = _submitted(items=1)
    decision = determination.decisions.get()
    determination_return(determination=determination, actor=quality_reviewer, comment="Kind.")
    _revise(determination, reviewer, {draft_item_key(decision.pk, "citation_kind"): "none"})

    page = _page(client, quality_reviewer, case)

    panel = page[page.index('id="changes-title"') : page.index('id="summary-title"')]
    assert f'href="#item-{decision.pk}">Item 1</a>' in panel and ": guideline" in panel


def test_a_return_made_before_copies_were_kept_shows_the_rounds_alone(client, quality_reviewer):
    case, reviewer, determination = _submitted(items=1)
    review = determination_return(determination=determination, actor=quality_reviewer, comment="X")
    QualityReview.objects.filter(pk=review.pk).update(returned_as={})
    _revise(determination, reviewer, {})

    page = _page(client, quality_reviewer, case)

    assert "Earlier rounds" in page and 'id="changes-title"' not in page


def test_an_item_without_a_copy_is_new_since_the_return(client, quality_reviewer):
    case, reviewer, determination = _submitted(items=1)
    decision = determination.decisions.get()
    review = determination_return(determination=determination, actor=quality_reviewer, comment="X")
    QualityReview.objects.filter(pk=review.pk).update(
        returned_as={"summary": determination.clinical_summary, "decisions": {}}
    )
    _revise(determination, reviewer, {})

    page = _page(client, quality_reviewer, case)

    assert f'href="#item-{decision.pk}">Item 1</a>, ' in page and "new since the return" in page
    assert "This item was not decided when the determination was returned." in page


def test_the_marks_give_back_the_whole_text_and_a_run_on_text_is_marked_by_sentence():
    text = "First.  Second!\n\nThird? A fourth without its stop"
    assert "".join(_SENTENCES.findall(text)) == text
    assert "".join(_SENTENCES.findall("")) == ""

    # One sentence too long to diff word by word: marked whole, still every word escaped.
    before = " ".join(["word"] * 1200) + " <end>"
    after = " ".join(["word"] * 1199) + " changed <end>"
    marked = str(TextChange(before, after).marked)
    assert marked.count("<del>") == 1 and marked.count("<ins>") == 1
    assert "&lt;end&gt;" in marked and "<end>" not in marked
