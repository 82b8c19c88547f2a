"""The calculator's facts and the holiday edits as forms. The calculator form only turns fields
into the facts JSON of `manage.py clock`; cases.clock.calculator checks and computes them."""

from __future__ import annotations

import re

from django import forms

from cases.clock.calculator import NOTICE_SERVICE, PRIORITIES, UR_SERVICE
from cases.clock.models import CalendarName

MAX_ITEMS = 50
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]
UNKNOWN = ("", "Not known")
SERVICE_LABELS = {"mail": "Mail", "electronic": "Electronic", "personal": "Personal"}


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
    )


def _service(label: str, methods: tuple[str, ...], help_text: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[UNKNOWN, *((method, SERVICE_LABELS[method]) for method in methods)],
        help_text=help_text,
    )


class CalculatorForm(forms.Form):
    priority = forms.ChoiceField(
        label="Priority", choices=[(p, p.capitalize()) for p in PRIORITIES], initial="standard"
    )
    expedited_on = _date(
        "Converted to expedited on", "Only when a standard review became expedited."
    )
    ur_decision_served_on = _date("UR decision served on")
    ur_decision_served_by = _service(
        "UR decision served by",
        UR_SERVICE,
        "Not known counts as mail (five more days: CCP 1013(a); Avila).",
    )
    application_received = _date("Application received on")
    screen_resumed_on = _date(
        "Screen resumed on",
        "Only when the screen paused (information requested, liability deferred) and resumed.",
    )
    notice_sent_on = _date("Notice of assignment sent on")
    notice_sent_by = _service(
        "Notice of assignment sent by",
        NOTICE_SERVICE,
        "Not known counts as mail (15 days, not 12: 8 CCR 9792.10.5(a)(1)).",
    )
    records_complete_on = _date("Records complete on")
    items = forms.IntegerField(
        label="Number of items",
        required=False,
        min_value=0,
        max_value=MAX_ITEMS,
        initial=1,
        help_text=f"How many disputed items (up to {MAX_ITEMS}); each has its own due date.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    formulary_items = forms.CharField(
        label="Formulary items",
        required=False,
        max_length=400,
        help_text="The numbers of the drug-formulary disputes, e.g. 1, 3, 7 (five working days: "
        "Lab. Code 4610.6(d)(1)(A)); empty when there are none.",
    )
    letter_mailed_on = _date("Determination letter served on")
    letter_sent_by = _service(
        "Letter sent by",
        NOTICE_SERVICE,
        "Not known counts as mail (received later: 8 CCR 9792.10.7(a)). Mail and e-mail both "
        "add five days to the appeal (8 CCR 10605(a)).",
    )

    DATES = (
        "ur_decision_served_on",
        "application_received",
        "notice_sent_on",
        "records_complete_on",
        "letter_mailed_on",
        "expedited_on",
        "screen_resumed_on",
    )
    SERVICES = ("ur_decision_served_by", "notice_sent_by", "letter_sent_by")

    def clean_formulary_items(self) -> list[int]:
        """ "1, 3, 7" (commas or spaces) as sorted item numbers, each a whole number from 1."""
        text = self.cleaned_data.get("formulary_items") or ""
        numbers = set()
        for part in re.split(r"[,\s;]+", text.strip()):
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or int(part) < 1:
                raise forms.ValidationError(
                    f"{part!r} is not an item number: list the formulary items by number, "
                    "separated by commas, e.g. 1, 3, 7."
                )
            numbers.add(int(part))
        return sorted(numbers)

    # Facts that cannot come in the other order: (later, earlier). Only plain contradictions; a
    # fact the calculator may read either way (records complete before the notice, an
    # application before the UR decision's service by mail) is left to it.
    ORDER = (
        ("expedited_on", "application_received"),
        ("screen_resumed_on", "application_received"),
        ("notice_sent_on", "application_received"),
        ("records_complete_on", "application_received"),
        ("letter_mailed_on", "application_received"),
        ("letter_mailed_on", "notice_sent_on"),
        ("letter_mailed_on", "records_complete_on"),
        # 8 CCR 9792.10.4(c): a review converts only until its determination is submitted.
        ("letter_mailed_on", "expedited_on"),
    )
    EARLIER_WORDS = {
        "application_received": "the application was received",
        "notice_sent_on": "the notice of assignment was sent",
        "records_complete_on": "the records were complete",
        "expedited_on": "the review was converted to expedited",
    }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("expedited_on") and cleaned.get("priority") == "standard":
            self.add_error(
                "expedited_on",
                "A conversion date applies only to an expedited review: choose Expedited, or "
                "clear the date.",
            )
        for later, earlier in self.ORDER:
            later_on, earlier_on = cleaned.get(later), cleaned.get(earlier)
            if not (later_on and earlier_on) or later_on >= earlier_on or later in self.errors:
                continue
            self.add_error(
                later,
                f"{self.fields[later].label} {later_on:%m/%d/%Y} is before "
                f"{self.EARLIER_WORDS[earlier]} on {earlier_on:%m/%d/%Y}: correct one of the "
                "two dates.",
            )
        count = cleaned.get("items") or 0
        beyond = [n for n in cleaned.get("formulary_items") or [] if n > count]
        if beyond and "items" not in self.errors:
            listed = ", ".join(str(n) for n in beyond)
            self.add_error(
                "formulary_items",
                f"Item {listed} {'is' if len(beyond) == 1 else 'are'} listed as formulary, but "
                f"only {count} item(s) are counted: raise the number of items or remove "
                f"{'it' if len(beyond) == 1 else 'them'}.",
            )
        return cleaned

    def facts(self) -> dict:
        """The facts object of `manage.py clock` (keys with no value left out)."""
        data = self.cleaned_data
        facts: dict = {"priority": data["priority"]}
        for key in self.DATES:
            if data.get(key):
                facts[key] = data[key].isoformat()
        for key in self.SERVICES:
            if data.get(key):
                facts[key] = data[key]
        count = data.get("items") or 0
        formulary = set(data.get("formulary_items") or [])
        if count:
            facts["items"] = [
                {"formulary_dispute": number in formulary} for number in range(1, count + 1)
            ]
        return facts


class HolidayEditForm(forms.Form):
    """One change to one calendar: add a holiday, rename one or remove one."""

    ACTIONS = [("add", "Add a holiday"), ("rename", "Rename a holiday"), ("remove", "Remove")]

    calendar = forms.ChoiceField(choices=CalendarName.choices, widget=forms.HiddenInput)
    action = forms.ChoiceField(label="Change", choices=ACTIONS, initial="add")
    date = forms.DateField(
        label="Date",
        input_formats=DATE_FORMATS,
        error_messages={"required": "Give the holiday's date (MM/DD/YYYY)."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=120,
        help_text="Needed to add or rename a holiday, not to remove one.",
    )
    source = forms.CharField(
        label="Source",
        required=False,
        max_length=200,
        help_text="The law or list that makes it a holiday (to add).",
    )
    note = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the new version.",
        error_messages={"required": "Say why the calendar changes; the version keeps it."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Needed to add or rename (clean): never "(optional)" beside it (from QA).
        self.fields["name"].looks_required = True

    def clean(self):
        cleaned = super().clean()
        missing = not (cleaned.get("name") or "").strip() and "name" not in self.errors
        if cleaned.get("action") in ("add", "rename") and missing:
            # A name refused already (too long) is not a missing one.
            self.add_error("name", "Give the holiday's name.")
        return cleaned
