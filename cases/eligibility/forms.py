"""Forms of the eligibility finding and of marking records complete. They parse and check input;
the services decide what may happen."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.eligibility.services import (
    NOTE_NEEDED,
    RECORDS_COMPLETE_DAY,
    Override,
    OverridesMissing,
)
from cases.forms import date_field, note_field
from cases.lifecycle.models import INELIGIBILITY_SOURCES, IneligibilityReason, SentBy
from cases.lifecycle.services import MISSING_INFORMATION

ELIGIBLE_FORM_ID = "eligible-form"


class EligibleForm(forms.Form):
    """The eligible finding, with an answer and a written reason for each blocking check that
    does not pass (the fields sit beside their check on the page, tied to this form by id)."""

    # No date to choose: the notice the finding sends is signed, dated and sent the day the
    # finding is recorded (8 CCR 9792.10.4(b)). From QA: a date chosen earlier was the case's
    # Date Assigned, hid a late notice and counted the records from a day before the notice
    # printed; a notice another system sent is given at intake as the Date Assigned.

    def __init__(self, *args, checks=(), notice_method_text="", notice_held_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.notice_on = timezone.localdate()
        # How the notice goes is the parties' service, not a choice (services.notice_method);
        # who it cannot reach yet is said at the button (services.notice_held_text).
        self.notice_method_text = notice_method_text
        self.notice_held_text = notice_held_text
        self.checks = list(checks)
        self.override_checks = [check for check in self.checks if check.needs_override]
        for check in self.override_checks:
            attrs = {"form": ELIGIBLE_FORM_ID}
            # One way past the check: the reason is the finding past it (no choice of one to
            # make). Two ways (a prior IMR, a duplicate): which of them, then the reason.
            answer = None
            if len(check.answers) > 1:
                answer = forms.ChoiceField(
                    label="Finding",
                    choices=check.answer_choices,
                    initial=check.answers[0],
                    required=False,
                    widget=forms.RadioSelect(attrs=attrs),
                )
            reason = note_field(
                "Reason to find it eligible anyway",
                attrs=attrs,
                help_text="Needed to find the application eligible past this check; recorded "
                "in the history with the finding.",
            )
            # Optional to the form (the ineligible finding uses neither), never "(optional)" on
            # the page: the eligible finding is refused without both (services).
            reason.looks_required = True
            # The summary of a refusal at the top of the form names the check, not this label
            # that every check's reason shares.
            reason.summary_label = check.label
            if answer is not None:
                answer.looks_required = True
                self.fields[f"{check.key}_answer"] = answer
            self.fields[f"{check.key}_reason"] = reason

    def check_rows(self) -> list[tuple]:
        """Each check with its answer and reason fields (None when it needs no override)."""
        return [
            (
                check,
                self[f"{check.key}_answer"] if f"{check.key}_answer" in self.fields else None,
                self[f"{check.key}_reason"],
            )
            if check.needs_override
            else (check, None, None)
            for check in self.checks
        ]

    def overrides(self) -> dict[str, Override]:
        """Each check's answer (its only one when it has no choice) and reason; the service
        refuses a check without its reason."""
        return {
            check.key: Override(
                self.cleaned_data.get(f"{check.key}_answer") or check.answers[0],
                self.cleaned_data.get(f"{check.key}_reason") or "",
            )
            for check in self.override_checks
        }

    def refusal_add(self, error: ValidationError) -> None:
        """The service's refusal, shown on the form: checks left without their reason each get
        the error beside their reason box (and a link in the summary); anything else is said at
        the top."""
        if not isinstance(error, OverridesMissing):
            self.add_error(None, error)
            return
        for message in error.others:  # the notice date's
            self.add_error(None, message)
        if any(f"{key}_reason" not in self.fields for key in error.check_keys):
            # The checks changed since the page was drawn (a duplicate found meanwhile): the
            # service's sentence names them all.
            self.add_error(None, error.messages[-1])
            return
        for key in error.check_keys:
            self.add_error(
                f"{key}_reason",
                "Write why the case is eligible past this check, or find it ineligible.",
            )


class IneligibleForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label="Reasons",
        choices=[
            (reason.value, f"{reason.label} ({INELIGIBILITY_SOURCES[reason]})")
            for reason in IneligibilityReason
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="They are recorded and the case is closed.",
        error_messages={"required": "Tick at least one reason the case is ineligible."},
    )
    note = note_field(
        rows=3,
        help_text="What the parties should know; required with “Other”, and with a reason whose "
        "check above passes. Printed in the notice of ineligibility.",
    )

    def reason_list(self) -> list[str]:
        return list(self.cleaned_data["reasons"])

    def refusal_add(self, error: ValidationError) -> None:
        """The service's refusal, shown on the form: one the note answers beside the note (from
        QA: said at the top only, the note not marked); anything else at the top."""
        for each in error.error_list:
            if each.code == NOTE_NEEDED:
                # Needed now: not drawn "(optional)" beside the error that asks for it (QA).
                self.fields["note"].looks_required = True
            self.add_error("note" if each.code == NOTE_NEEDED else None, each)


class RecordsCompleteForm(forms.Form):
    on = date_field("Records complete on", help_text="The determination clock starts on this date.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def refusal_add(self, error: ValidationError) -> None:
        """The service's refusal, shown on the form: one of the date beside the date, with the
        date as typed (from QA: said at the top only); anything else at the top."""
        for each in error.error_list:
            self.add_error("on" if each.code == RECORDS_COMPLETE_DAY else None, each)


def _today_initial(kwargs: dict, name: str) -> None:
    kwargs.setdefault("initial", {name: timezone.localdate()})


class DeferForm(forms.Form):
    deferred_on = date_field(
        "Deferred on",
        help_text="The day the claims administrator's dispute of liability was received.",
    )
    note = note_field(
        "What is disputed",
        required=True,
        error_messages={"required": "Say what is disputed, and where it is being resolved."},
        help_text="E.g. compensability of the injury or of the body part, and where it is "
        "being resolved (8 CCR 9792.10.3(a)(3), (d)).",
    )

    def __init__(self, *args, **kwargs):
        _today_initial(kwargs, "deferred_on")
        super().__init__(*args, **kwargs)


class LiabilityResolvedForm(forms.Form):
    OUTCOMES = {
        "resume": "Resolved for the worker: resume the screen",
        "denied": "Liability found against the worker: close the case",
    }
    outcome = forms.ChoiceField(
        label="How was it resolved?", choices=list(OUTCOMES.items()), widget=forms.RadioSelect
    )
    resolved_on = date_field("Resolved on")
    note = note_field(
        "Document of the resolution",
        required=True,
        help_text="A WCAB order, a stipulation, or the claims administrator's written "
        "acceptance of liability, and who sent it.",
    )

    def __init__(self, *args, **kwargs):
        _today_initial(kwargs, "resolved_on")
        super().__init__(*args, **kwargs)


class InformationRequestForm(forms.Form):
    missing = forms.MultipleChoiceField(
        label="What is missing",
        choices=list(MISSING_INFORMATION.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick what is missing from the application."},
    )
    requested_on = date_field(
        "Requested on",
        help_text=(
            "The parties have 5 business days following its receipt to answer "
            "(8 CCR 9792.10.3(b), (c))."
        ),
    )
    sent_by = forms.ChoiceField(
        label="Sent by",
        choices=SentBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how the request was sent: by mail or electronically."},
    )
    note = note_field()

    def __init__(self, *args, **kwargs):
        _today_initial(kwargs, "requested_on")
        super().__init__(*args, **kwargs)
        self.fields["sent_by"].help_text = (
            "Sent electronically, it is received that day; by mail, it is taken as received "
            f"{settings.CLOCK_MAIL_RECEIPT_DAYS} days after mailing."
        )


class InformationReceivedForm(forms.Form):
    received_on = date_field("Received on")
    note = note_field()

    def __init__(self, *args, **kwargs):
        _today_initial(kwargs, "received_on")
        super().__init__(*args, **kwargs)


class InformationLapsedForm(forms.Form):
    note = note_field()


class ExpediteForm(forms.Form):
    certified_on = date_field(
        "Certification received on",
        help_text="The expedited clocks run from this date (8 CCR 9792.10.4(c)).",
    )
    note = note_field(help_text="E.g. the physician and the supporting documentation.")
    confirm = forms.BooleanField(
        label="The treating physician's written certification, with supporting documentation, "
        "of an imminent and serious threat to the worker's health is on file.",
        error_messages={"required": "Tick the box: only that certification converts a review."},
    )

    def __init__(self, *args, **kwargs):
        _today_initial(kwargs, "certified_on")
        super().__init__(*args, **kwargs)


class ConsolidateForm(forms.Form):
    duplicate = forms.CharField(widget=forms.HiddenInput)
    note = note_field()
    confirm = forms.BooleanField(
        label="Close the duplicate and decide its items here, in one determination.",
        error_messages={"required": "Tick the box to confirm the consolidation."},
    )
