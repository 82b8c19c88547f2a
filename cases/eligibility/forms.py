"""Forms of the eligibility finding and of marking records complete. They parse and check input;
the services decide what may happen."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cases.forms import date_field, no_future_date
from cases.lifecycle.models import SentBy


class EligibleForm(forms.Form):
    notice_on = date_field(
        "Notice of assignment date",
        help_text="The letter's Date Assigned; the records clock starts here.",
    )
    notice_sent_by = forms.ChoiceField(
        label="Notice sent by",
        choices=SentBy.choices,
        initial=SentBy.ELECTRONIC,
        widget=forms.RadioSelect,
        help_text="Records are due 12 days after an electronic notice, 15 after a mailed one, "
        "24 hours when expedited (8 CCR 9792.10.5(a)(1)).",
    )
    late_accepted = forms.BooleanField(
        label="Accept the late application",
        required=True,
        error_messages={
            "required": "The application was filed late: confirm that it is accepted, "
            "or find it ineligible."
        },
    )

    def __init__(self, *args, filed_late: bool, **kwargs):
        kwargs.setdefault("initial", {"notice_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if not filed_late:
            del self.fields["late_accepted"]

    def clean_notice_on(self):
        value = self.cleaned_data["notice_on"]
        no_future_date(value, "notice of assignment date")
        return value


class IneligibleForm(forms.Form):
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line. They are recorded and the case is closed.",
    )

    def reason_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]


class RecordsCompleteForm(forms.Form):
    on = date_field("Records complete on", help_text="The determination clock starts on this date.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
