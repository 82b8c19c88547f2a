"""A completed determination carried over from a legacy system: the reviewer's licensure
and certifications, the decision date, and one decision per item."""

from __future__ import annotations

from cases.intake.validation.base import IntakeCheckerBase, plural
from cases.intake.validation.keys import (
    DECISION_KEYS,
    DECISION_REQUIRED,
    DETERMINATION_KEYS,
    DETERMINATION_REQUIRED,
    REVIEWER_KEYS,
    REVIEWER_REQUIRED,
)
from cases.jsoncheck import shown
from cases.lifecycle.models import Outcome
from cases.states import state_name


class DeterminationChecks(IntakeCheckerBase):
    """A legacy determination and its decisions."""

    def determination(self, raw: dict, path: str, case: dict) -> dict | None:
        here = f"{path}.determination"
        determination = self.obj(
            raw, "determination", path, required=False, what="a completed determination"
        )
        if determination is None:
            return None
        self.keys(determination, here, DETERMINATION_KEYS)
        reviewer = self.obj(
            determination,
            "reviewer",
            here,
            required="reviewer" in DETERMINATION_REQUIRED,
            what="the reviewer's licensure and certifications",
        )
        licensure, certifications = [], []
        if reviewer is not None:
            self.keys(reviewer, f"{here}.reviewer", REVIEWER_KEYS)
            licensure = self.licensure(reviewer, f"{here}.reviewer")
            values = self.array(
                reviewer,
                "certifications",
                f"{here}.reviewer",
                required="certifications" in REVIEWER_REQUIRED,
                what="board certifications or specialties",
            )
            certifications = self.strings(values or [], f"{here}.reviewer.certifications")
        decided_on = self.date(
            determination, "decision_date", here, required="decision_date" in DETERMINATION_REQUIRED
        )
        for key, label in (("application_received", "application"), ("date_assigned", "notice")):
            earlier = case.get(key)
            if decided_on and earlier and decided_on < earlier:
                self.error(
                    f"{here}.decision_date",
                    f"the decision ({decided_on}) cannot precede the {label} ({earlier})",
                )
        return {
            "reviewer": {"licensure": licensure, "certifications": certifications},
            "decision_date": decided_on,
            "clinical_summary": self.text(
                determination,
                "clinical_summary",
                here,
                required="clinical_summary" in DETERMINATION_REQUIRED,
            ),
            "decisions": self.decisions(determination, here, case["items"], raw.get("items")),
        }

    def licensure(self, reviewer: dict, path: str) -> list[str]:
        values = self.array(
            reviewer,
            "licensure",
            path,
            required="licensure" in REVIEWER_REQUIRED,
            what="states of licensure",
        )
        names: list[str] = []
        for index, value in enumerate(values or []):
            name = state_name(value) if isinstance(value, str) else None
            if name is None:
                self.error(
                    f"{path}.licensure[{index}]",
                    f"{shown(value)} is not a US state (give a name like California or a "
                    "code like CA)",
                )
            elif name not in names:
                names.append(name)
        return names

    def decisions(self, determination: dict, path: str, items: list, raw_items) -> list[dict]:
        values = self.array(
            determination,
            "decisions",
            path,
            required="decisions" in DETERMINATION_REQUIRED,
            what="one decision per item",
        )
        # Item numbers are checked against the payload's items only when those are all readable.
        count = (
            len(raw_items) if isinstance(raw_items, list) and len(items) == len(raw_items) else None
        )
        seen: dict[int, int] = {}
        cleaned = []
        for index, decision in enumerate(values or []):
            here = f"{path}.decisions[{index}]"
            if not isinstance(decision, dict):
                self.error(here, "must be an object (item, outcome, citation, rationale)")
                continue
            self.keys(decision, here, DECISION_KEYS)
            number = decision.get("item")
            if isinstance(number, bool) or not isinstance(number, int):
                self.error(f"{here}.item", "must be the item's number (1 for the first item)")
                number = None
            elif count is not None and not 1 <= number <= count:
                self.error(
                    f"{here}.item",
                    f"there is no item {number}; the application has {plural(count, 'item')}",
                )
                number = None
            elif number in seen:
                self.error(
                    f"{here}.item",
                    f"item {number} is already decided at {path}.decisions[{seen[number]}]; "
                    "each item is decided once",
                )
                number = None
            else:
                seen[number] = index
            cleaned.append(
                {
                    "item": number,
                    "outcome": self.choice(
                        decision,
                        "outcome",
                        here,
                        Outcome.values,
                        required="outcome" in DECISION_REQUIRED,
                        what="an outcome",
                    ),
                    "citation": self.citation(
                        decision,
                        "citation",
                        here,
                        whose="the reviewer's",
                        required="citation" in DECISION_REQUIRED,
                    ),
                    "rationale": self.text(
                        decision, "rationale", here, required="rationale" in DECISION_REQUIRED
                    ),
                }
            )
        if count is not None and values is not None:
            for number in range(1, count + 1):
                if number not in seen:
                    self.error(
                        f"{path}.decisions",
                        f"item {number} has no decision; each item is decided exactly once",
                    )
        return cleaned
