"""The append-only event log: one event per transition, with its states and actor."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from cases.eligibility.services import case_eligibility_record, case_records_complete
from cases.intake.services import case_create
from cases.lifecycle import events
from cases.lifecycle.history import event_summary
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType
from cases.lifecycle.services import case_remand, case_terminate
from cases.records.services import record_add
from tests.cases.helpers import event_types, intake_data, overrides_for
from tests.factories import UserFactory, pdf_upload

D = dt.date
S = CaseStatus


# --- the event log -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_transition_writes_exactly_one_event_with_its_states_and_actor(case_admin):
    other_admin = UserFactory(role=Role.CASE_ADMIN)
    case = case_create(data=intake_data(), actor=case_admin)
    transitions = []

    def step(action, actor):
        seen = set(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))
        before = Case.objects.get(pk=case.pk).status
        action()
        after = Case.objects.get(pk=case.pk).status
        new = CaseEvent.objects.filter(case=case).exclude(pk__in=seen)
        moves = [event for event in new if "to_status" in event.details]
        transitions.append((before, after, [event.type for event in moves]))
        for event in moves:
            assert event.actor == actor
        return moves

    moves = step(
        lambda: case_eligibility_record(
            case=case,
            actor=other_admin,
            eligible=True,
            overrides=overrides_for(case),
            notice_on=D(2026, 11, 4),
        ),
        other_admin,
    )
    # Two transitions (received -> eligible -> awaiting records), one event each.
    assert [(m.details["from_status"], m.details["to_status"]) for m in moves] == [
        (S.RECEIVED, S.ELIGIBLE),
        (S.ELIGIBLE, S.AWAITING_RECORDS),
    ]
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    moves = step(
        lambda: case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10)),
        case_admin,
    )
    assert [(m.details["from_status"], m.details["to_status"]) for m in moves] == [
        (S.AWAITING_RECORDS, S.RECORDS_COMPLETE)
    ]
    moves = step(
        lambda: case_terminate(case=case, actor=other_admin, reason="withdrawn"),
        other_admin,
    )
    assert [(m.details["from_status"], m.details["to_status"]) for m in moves] == [
        (S.RECORDS_COMPLETE, S.TERMINATED)
    ]
    assert transitions == [
        (
            S.RECEIVED,
            S.AWAITING_RECORDS,
            [EventType.ELIGIBILITY_RECORDED, EventType.NOTICE_OF_ASSIGNMENT_SENT],
        ),
        (S.AWAITING_RECORDS, S.RECORDS_COMPLETE, [EventType.RECORDS_COMPLETED]),
        (S.RECORDS_COMPLETE, S.TERMINATED, [EventType.CASE_TERMINATED]),
    ]


@pytest.mark.django_db
def test_a_refused_transition_changes_nothing_and_writes_no_event(case, case_admin):
    with pytest.raises(ValidationError, match="received cannot become records complete"):
        case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10))
    with pytest.raises(ValidationError, match="received cannot become remanded"):
        case_remand(case=case, actor=case_admin)
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.records_complete_on is None
    assert event_types(case) == []


@pytest.mark.django_db
def test_events_are_append_only(case_admin):
    case = case_create(data=intake_data(), actor=case_admin)
    event = CaseEvent.objects.get(case=case)
    event.details = {"source": "forged"}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert CaseEvent.objects.get(pk=event.pk).details == {"source": "ui"}


@pytest.mark.django_db
def test_an_unknown_event_type_is_refused(case):
    with pytest.raises(ValueError, match="Unknown case event type"):
        events.event_record(case=case, type="case_vanished")


# --- the history's words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("details", "words"),
    [
        ({"sent_by": "mail"}, "Notice of assignment dated 11/04/2026, by mail"),
        ({"sent_by": "electronic"}, "Notice of assignment dated 11/04/2026, sent electronically"),
        ({"sent_by": ""}, "Notice of assignment dated 11/04/2026 (how it was sent is not known)"),
        # Events written before the notice had a method held a boolean; they are never edited.
        ({"electronic": True}, "Notice of assignment dated 11/04/2026, sent electronically"),
        ({"electronic": False}, "Notice of assignment dated 11/04/2026, by mail"),
    ],
)
def test_the_history_says_how_the_notice_was_sent(details, words):
    event = CaseEvent(
        type=EventType.NOTICE_OF_ASSIGNMENT_SENT, details={"date_assigned": "2026-11-04", **details}
    )
    assert words in event_summary(event)


@pytest.mark.parametrize(
    ("details", "words"),
    [
        ({"version": 1, "correction_note": ""}, "Final Determination Letter version 1"),
        (
            {"version": 2, "correction_note": "The claim number."},
            "Final Determination Letter version 2, amended: The claim number.",
        ),
    ],
)
def test_the_history_names_the_letter_version_issued(details, words):
    event = CaseEvent(type=EventType.LETTER_ISSUED, details={"to_status": "issued", **details})
    assert words in event_summary(event)


def test_the_history_names_the_letter_version_posted():
    event = CaseEvent(
        type=EventType.LETTER_POSTED,
        details={"version": 3, "served_on": "2026-11-04", "posted_to": ["Ana Ruiz"]},
    )
    assert event_summary(event)[:2] == [
        "Final Determination Letter version 3",
        "Posted on 11/04/2026",
    ]
