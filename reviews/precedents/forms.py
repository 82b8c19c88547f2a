"""The precedent library's search form: parses the query string. A value that is not valid
stops the search with its message (not_searched): dropping it would list items as if they
matched a search that was never made."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms

from cases.lifecycle.models import ItemCategory, Outcome, Priority
from reviews.precedents.models import GuidelineSourceKind
from reviews.precedents.search import PrecedentFilters
from reviews.roster.selectors import specialty_names

FILTER_NAMES = (
    "category",
    "outcome",
    "guideline",
    "specialty",
    "priority",
    "decided_from",
    "decided_to",
)


class PrecedentSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Words of the item, guideline or rationale",
            }
        ),
    )
    category = forms.ChoiceField(
        label="Item category", required=False, choices=[("", "Any category"), *ItemCategory.choices]
    )
    outcome = forms.ChoiceField(
        label="Item outcome",
        required=False,
        choices=[("", "Upheld or overturned"), *Outcome.choices],
    )
    guideline = forms.ChoiceField(
        label="Guideline",
        required=False,
        choices=[("", "Any guideline"), *GuidelineSourceKind.choices],
    )
    specialty = forms.ChoiceField(label="Reviewer specialty", required=False)
    priority = forms.ChoiceField(
        label="Priority", required=False, choices=[("", "Any priority"), *Priority.choices]
    )
    decided_from = forms.DateField(
        label="Decided from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    decided_to = forms.DateField(
        label="Decided to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["specialty"].choices = [
            ("", "Any specialty"),
            *((name, name) for name in specialty_names()),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("decided_from"), cleaned.get("decided_to")
        if start and end and end < start:
            # A range that ends before it starts matches nothing: listing nothing would read
            # as "no such decision" when the search was never possible.
            self.add_error(
                "decided_to", f"Choose a date on or after {start:%m/%d/%Y}, the date decided from."
            )
        return cleaned

    def not_searched(self) -> list[str]:
        """Why the search cannot be made, "<field>: <message>" for each value that is not
        valid; empty when every value is (or none is given)."""
        self.is_valid()
        return [
            f"{self.fields[name].label}: {' '.join(errors)}"
            for name, errors in self.errors.items()
            if name in self.fields
        ]

    def _cleaned(self) -> dict:
        """Each valid value (the views search only when not_searched() is empty)."""
        self.is_valid()
        cleaned = dict(getattr(self, "cleaned_data", {}))
        for name in self.errors:
            cleaned.pop(name, None)
        return cleaned

    def query_text(self) -> str:
        return (self._cleaned().get("q") or "").strip()

    def filters(self) -> PrecedentFilters:
        cleaned = self._cleaned()
        return PrecedentFilters(
            category=cleaned.get("category") or "",
            outcome=cleaned.get("outcome") or "",
            guideline_source=cleaned.get("guideline") or "",
            specialty=cleaned.get("specialty") or "",
            priority=cleaned.get("priority") or "",
            decided_from=cleaned.get("decided_from"),
            decided_to=cleaned.get("decided_to"),
        )

    @property
    def is_filtered(self) -> bool:
        cleaned = self._cleaned()
        return any(cleaned.get(name) for name in ("q", *FILTER_NAMES))

    def query(self) -> str:
        """The valid search and filters as a query string (the CSV link)."""
        cleaned = self._cleaned()
        names = ("q", *FILTER_NAMES)
        return urlencode({name: cleaned[name] for name in names if cleaned.get(name)})
