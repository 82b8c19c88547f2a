"""Forms of the case pages. They parse and check input; the services decide what may happen."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.text import capfirst

from cases.access import Ability, may
from cases.casefile.models import SavedView
from cases.casefile.selectors import DUE_FILTERS, case_list_for, sort_valid
from cases.formatting import us_date
from cases.forms import email_field, note_field
from cases.jsoncheck import visible_strip
from cases.lifecycle.models import (
    ADDRESS_MAX,
    IMR_BEGAN,
    CaseStatus,
    DeliveryMethod,
    Priority,
)
from cases.lifecycle.services import TERMINATION_REASONS

# --- The case list ----------------------------------------------------------------------------

DEFAULT_STATUS = "open"
# The filters of the date the application was received (ISO dates in the address); none
# earlier than the day Independent Medical Review began (IMR_BEGAN) is taken.
RECEIVED = ("received_from", "received_to")
# The code of a received date's problem the list says in words beside it, and of the two
# dates the wrong way round (said once, for both).
RECEIVED_SAID = "received_said"
RECEIVED_REVERSED = "received_reversed"
# No column the list searches is longer (worker names are 100 characters at most).
SEARCH_MAX_LENGTH = 100


class CaseFilterForm(forms.Form):
    """The case list's filters. Open cases unless the status asks for closed ones ("closed",
    "all" or a closed status); the sort is one of the selector's SORTS or what is due first."""

    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Case, claim, application, worker",
                "maxlength": SEARCH_MAX_LENGTH,
            }
        ),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            (DEFAULT_STATUS, "Open cases"),
            ("closed", "Closed cases"),  # issued, ineligible or terminated (CLOSED_STATUSES)
            ("all", "All cases"),
            *CaseStatus.choices,
        ],
    )
    priority = forms.ChoiceField(
        label="Priority", required=False, choices=[("", "Any priority"), *Priority.choices]
    )
    due = forms.ChoiceField(
        label="Due", required=False, choices=[("", "Any due date"), *DUE_FILTERS.items()]
    )
    # Applications received in a period, as the dashboard counts them ("Cases by stage" links
    # here with its period): from QA, its figures could not be found on the list.
    received_from = forms.DateField(
        label="Received from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label="Received to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, **kwargs):
        # No status (or one that is not a choice) is the open cases, and the filter shows it.
        self.unknown_status = ""
        if data is not None:
            data = data.copy()
            valid = {value for value, _ in self.base_fields["status"].choices}
            if data.get("status") not in valid:
                self.unknown_status = data.get("status") or ""
                data["status"] = DEFAULT_STATUS
        super().__init__(data, **kwargs)
        if data is not None:
            # A date given another way (11/05/2026) is shown as the date box holds one
            # (2026-11-05): the box drops any other text, and the filter applied would be
            # unseen and lost by what reads the form (from QA).
            for name in RECEIVED:
                day = self._received_read(self.data.get(name, ""))
                if day is not None:
                    self.data[name] = day.isoformat()

    def _received_read(self, value: str):
        try:
            return self.fields["received_from"].to_python(value)
        except forms.ValidationError:
            return None

    def clean_q(self) -> str:
        # A longer search (a URL edited by hand) is searched as its first 100 characters, which
        # nothing holds: "no cases match", never every case as if it had not been asked.
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]

    def _clean_received(self, name: str):
        day = self.cleaned_data[name]
        if day is not None and day < IMR_BEGAN:
            # A year typed a digit at a time ("0002-11-05") is no application's.
            raise forms.ValidationError(
                "before Independent Medical Review began", code=RECEIVED_SAID
            )
        return day

    def clean_received_from(self):
        return self._clean_received("received_from")

    def clean_received_to(self):
        return self._clean_received("received_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            # Reversed: not applied, and said (from QA: "No cases match" with no word why).
            self.add_error(
                "received_from",
                forms.ValidationError("after “Received to”", code=RECEIVED_REVERSED),
            )
            self.add_error(
                "received_to",
                forms.ValidationError("before “Received from”", code=RECEIVED_REVERSED),
            )
        return cleaned

    def filters(self) -> dict[str, str]:
        """The filters to apply; a value that is not one of the choices is ignored."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        filters = {name: cleaned.get(name) or "" for name in ("status", "priority", "due", "q")}
        filters["status"] = filters["status"] or DEFAULT_STATUS
        for name in RECEIVED:
            filters[name] = cleaned[name].isoformat() if cleaned.get(name) else ""
        filters["sort"] = sort_valid(self.data.get("sort", "") if self.data else "")
        return filters

    def ignored(self) -> list[str]:
        """The filters asked for in the address that the list does not apply (an old bookmark,
        a link edited by hand, dates the wrong way round), each with why: "Priority “urgent”,
        not one of its choices". The list says they were not applied rather than showing more
        cases than asked without a word. From QA: every one of them was said as "no such
        choice", dates in the address's form, not as the date boxes show them."""
        self.is_valid()
        ignored = []
        if self.unknown_status:
            ignored.append(f"Status “{self.unknown_status}”, not one of its choices")
        for name in ("priority", "due"):
            if name in self.errors:
                ignored.append(
                    f"{self.fields[name].label} “{self.data.get(name, '')}”, not one of its choices"
                )
        errors = self.errors.as_data()
        said = {name: errors[name][0] for name in RECEIVED if name in errors}
        days = {name: self._received_read(self.data.get(name, "")) for name in said}
        if len(said) == 2 and all(error.code == RECEIVED_REVERSED for error in said.values()):
            ignored.append(
                f"Received from {us_date(days['received_from'])} to "
                f"{us_date(days['received_to'])}, the first date after the last"
            )
        else:
            for name, error in said.items():
                label, day = self.fields[name].label, days[name]
                if day is None:
                    ignored.append(f"{label} “{self.data.get(name, '')}”, not a date")
                else:
                    ignored.append(f"{label} {us_date(day)}, {error.message}")
        sort = self.data.get("sort", "") if self.data else ""
        if sort and not sort_valid(sort):
            ignored.append(f"Sort “{sort}”, not one of its columns")
        return ignored

    def query(self, **changed: str) -> str:
        """The filters and sort as a query string, only the known names with their valid values
        (what a saved view keeps), with the `changed` ones; the defaults are left out."""
        filters = {**self.filters(), **changed}
        if filters["status"] == DEFAULT_STATUS:
            del filters["status"]
        return urlencode({name: value for name, value in filters.items() if value})

    @property
    def is_filtered(self) -> bool:
        """Narrowed beyond the default (the open cases); the sort narrows nothing."""
        filters = self.filters()
        return filters["status"] != DEFAULT_STATUS or any(
            filters[name] for name in ("priority", "due", "q", *RECEIVED)
        )


# The session key of a view not saved: {"name": as typed, "refused": why the name itself was
# refused, or ""}. The list shows the name once in "Name of this view", to be corrected, marked
# invalid and described by why when it was the name that was refused (casefile.views.case_list).
SAVED_VIEW_NOT_SAVED = "saved_view_not_saved"
# The session key of the view just deleted (its name and query): the list offers, once, to
# save it again ("Undo"), so a slip of the finger on a chip's × costs nothing.
SAVED_VIEW_DELETED = "saved_view_deleted"


class SavedViewForm(forms.Form):
    """Save the list's current filters and sort under a name."""

    name = forms.CharField(
        label="Name of this view",
        max_length=80,
        error_messages={
            "required": "give the view a name.",
            # In the sentence "The view was not saved: …" (from QA: Django's own began
            # "Ensure this value…" after the colon).
            "max_length": "its name has %(show_value)d characters; keep it to %(limit_value)d.",
        },
        # Its label is shown on a wide screen; on a phone it is read, and this is shown.
        widget=forms.TextInput(attrs={"placeholder": "Name of this view"}),
    )
    # A guard on what is parsed at all; what is stored is checked once normalised (clean_query).
    query = forms.CharField(required=False, max_length=10_000, widget=forms.HiddenInput)
    # Shared again as it was ("Undo" after a shared view was deleted); only by one who may.
    shared = forms.BooleanField(required=False, widget=forms.HiddenInput)

    # The id of the sentence saying why a name was refused, beside its field.
    REFUSED_ID = "saved-view-name-refused"

    def __init__(self, *args, owner=None, refused: str = "", renaming=None, **kwargs):
        self.owner = owner
        # The view being renamed (SavedViewEditForm): its own name is not taken by itself.
        self.renaming = renaming
        super().__init__(*args, **kwargs)
        # Why the name just refused was refused ("" when it was not), said beside its field.
        self.refused = refused
        if refused:
            # The name shown again to be corrected: marked so, and tied to why (from QA: a
            # screen reader said it was invalid, not why).
            attrs = self.fields["name"].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = self.REFUSED_ID

    def clean_name(self) -> str:
        # Unseen characters (a zero-width space) name nothing: the list would show a blank view.
        name = visible_strip(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("give the view a name.")
        # One name once, whatever its capitals: "Expedited new" and "expedited new" would look
        # like the same view in the list.
        same = None
        if self.owner is not None:
            others = self.owner.saved_views.filter(name__iexact=name)
            if self.renaming is not None:
                others = others.exclude(pk=self.renaming.pk)
            same = others.values_list("name").first()
        if same is not None:
            raise forms.ValidationError(
                f"you have a view named “{same[0]}” already; choose another name or delete that "
                "one."
            )
        return name

    def clean_query(self) -> str:
        # Only the filters the list knows, with valid values, are kept, and stored encoded: an
        # accented search grows there ("á" is "%C3%A1"), so the stored length is what counts.
        query = CaseFilterForm(QueryDict(self.cleaned_data["query"])).query()
        limit = SavedView._meta.get_field("query").max_length
        if len(query) > limit:
            raise forms.ValidationError(
                f"its filters take {len(query):,} characters once encoded, over the "
                f"{limit:,} a view can keep; shorten the search text and save it again."
            )
        return query


class SavedViewEditForm(SavedViewForm):
    """Rename one's saved view, or share it with the other users of one's role (or stop). Its
    filters stay as saved: a view is saved again from the list to change them."""

    query = None
    shared = forms.BooleanField(required=False)

    def __init__(self, *args, owner=None, renaming=None, **kwargs):
        super().__init__(*args, owner=owner, renaming=renaming, **kwargs)
        self.fields["name"].label = "Name"
        self.fields["name"].widget.attrs.pop("placeholder", None)
        if may(owner, Ability.SHARE_VIEWS):
            self.role = owner.get_role_display().lower()
            shared = self.fields["shared"]
            shared.label = f"Shared with the other {self.role}s"
            shared.help_text = "They see it with your name, and may open it, not change it."
        else:
            # Not among reviewers (cases.access, SHARE_VIEWS): renamed only.
            del self.fields["shared"]
        # Said beside the field on its own page, not inside "The view was not saved: …".
        errors = self.fields["name"].error_messages
        for key in ("required", "max_length"):
            errors[key] = capfirst(errors[key])

    def audience_say(self, colleagues: int) -> None:
        """With no other active user of the owner's role (`colleagues`, counted once for the
        page), the sharing hint says so (from QA: the sole quality reviewer was offered to
        share with nobody)."""
        if colleagues == 0 and "shared" in self.fields:
            self.fields["shared"].help_text = (
                f"No other {self.role} has a login now. Those given one later will see it "
                "with your name, and may open it, not change it."
            )

    def clean_name(self) -> str:
        try:
            return super().clean_name()
        except forms.ValidationError as error:
            raise forms.ValidationError(capfirst(error.messages[0])) from error


BULK_EXPORT, BULK_REMIND, BULK_ASSIGN = "export", "remind", "assign"
# `scope` of a bulk action: the cases ticked on the page shown, or every case the list's
# filters find, on every page (from QA: 59 overdue cases took two rounds of a page each).
SCOPE_MATCHING = "matching"
# The most cases one action takes "every case matching" for: an export, reminders (sent by a
# task, cases.reminders.runs) or a plan (the batch plan's limit,
# reviews.assignment.services.PLAN_SELECTION_MAX, is this one).
MAX_MATCHING = 500


class BulkActionForm(forms.Form):
    """An action on the cases checked in the list (their case numbers), or with `scope`
    "matching" on every case its filters (`query`) find, up to MAX_MATCHING."""

    action = forms.ChoiceField(
        choices=[
            (BULK_EXPORT, "Export selected as CSV"),
            (BULK_REMIND, "Send a reminder"),
            (BULK_ASSIGN, "Assign"),
        ]
    )
    case = forms.MultipleChoiceField(required=False)
    scope = forms.ChoiceField(required=False, choices=[("", "Ticked"), (SCOPE_MATCHING, "All")])
    # The filters of the list as drawn (the page's results), which "every case matching" takes.
    shown_query = forms.CharField(required=False)

    def __init__(
        self,
        data=None,
        *,
        user=None,
        actions=(BULK_EXPORT, BULK_REMIND),
        none_selected="Select at least one case.",
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.user = user
        self.none_selected = none_selected
        # The actions the view sending it here takes ("Assign…" goes to the batch page).
        self.fields["action"].choices = [
            (value, label) for value, label in self.fields["action"].choices if value in actions
        ]
        # Any case number is a choice here; the selector keeps those the user may act on.
        numbers = data.getlist("case") if data is not None else []
        self.fields["case"].choices = [(number, number) for number in numbers]

    def clean_case(self) -> list[str]:
        # Case numbers as the cases hold them (upper case, no spaces), each once: "cm26-0000005"
        # and "CM26-0000005" are one case, not one found and one missing.
        numbers = list(
            dict.fromkeys(number.strip().upper() for number in self.cleaned_data["case"])
        )
        numbers = [number for number in numbers if number]
        if not numbers and self.data.get("scope") != SCOPE_MATCHING:
            raise forms.ValidationError(self.none_selected)
        return numbers[:MAX_SELECTED]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") != SCOPE_MATCHING:
            return cleaned
        limit = MAX_MATCHING
        filters = CaseFilterForm(QueryDict(cleaned.get("shown_query", ""))).filters()
        numbers = list(
            case_list_for(self.user, **filters).values_list("case_number", flat=True)[: limit + 1]
        )
        if not numbers:
            raise forms.ValidationError("No case matches the filters: nothing was done.")
        if len(numbers) > limit:
            raise forms.ValidationError(
                f"More than {limit} cases match the filters; an action takes at most {limit} at "
                "once. Narrow the filters: nothing was done."
            )
        cleaned["case"] = numbers
        return cleaned


# A page of the list is 50 cases; a selection is a page at most (with room to spare).
MAX_SELECTED = 200


class TerminateForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why does the review end?",
        choices=list(TERMINATION_REASONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the review ends."},
    )
    note = note_field(help_text="E.g. who told us and when.")
    confirm = forms.BooleanField(
        label="I understand this closes the case and cannot be undone.",
        error_messages={"required": "Tick the box to confirm the termination."},
    )


class RemandForm(forms.Form):
    note = note_field(help_text="E.g. the WCAB order and its date.")
    confirm = forms.BooleanField(
        label="Start a new review round with a different reviewer.",
        error_messages={"required": "Tick the box to confirm the remand."},
    )


# --- How a party is served -----------------------------------------------------------------


class PartyServiceForm(forms.Form):
    """A served party's e-mail, postal address and delivery method (the parties panel)."""

    email = email_field("E-mail")
    address = forms.CharField(
        label="Postal address",
        required=False,
        max_length=ADDRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        # From QA: the name typed here too printed twice on the envelope and the proof.
        help_text="Street, then city, state and ZIP, one per line; the name is printed above "
        "it from the party's name.",
    )
    delivery_method = forms.ChoiceField(
        label="Serve by",
        required=False,
        choices=[("", "E-mail if consented, else postal mail"), *DeliveryMethod.choices],
    )
    e_service_consent = forms.BooleanField(
        label="Consented to electronic service (CCP 1010.6(a)(2))", required=False
    )

    @classmethod
    def for_contact(cls, contact, **kwargs):
        return cls(
            initial={
                "email": contact.email,
                "address": contact.address,
                "delivery_method": contact.chosen_method,
                "e_service_consent": contact.e_service_consent,
            },
            **kwargs,
        )
