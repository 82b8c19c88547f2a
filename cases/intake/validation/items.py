"""The disputed items of an application and the citations (the UR's, a decision's): a
modified request's two forms (a portion or a substitute, SPEC section 6) and the
drug-formulary rule."""

from __future__ import annotations

from cases.intake.validation.base import IntakeCheckerBase
from cases.intake.validation.keys import (
    CASE_REQUIRED,
    CITATION_KEYS,
    CITATION_REQUIRED,
    CITATION_TEXT_MAX,
    ITEM_KEYS,
    ITEM_REQUIRED,
    ITEM_TEXT_MAX,
    ITEMS_MAX,
)
from cases.jsoncheck import key_path
from cases.lifecycle.models import AuthorizationKind, CitationKind, DrugClass, ItemCategory


class ItemChecks(IntakeCheckerBase):
    """The disputed items and their citations."""

    def citation(
        self, parent: dict, key: str, path: str, *, whose: str, required: bool
    ) -> dict | None:
        here = key_path(path, key)
        citation = self.obj(
            parent, key, path, required=required, what=f"{whose} citation: kind and text"
        )
        if citation is None:
            return None
        self.keys(citation, here, CITATION_KEYS)
        kind = self.choice(
            citation,
            "kind",
            here,
            CitationKind.values,
            required="kind" in CITATION_REQUIRED,
            what="a citation kind",
        )
        text = self.text(citation, "text", here, max_length=CITATION_TEXT_MAX)
        if kind in (CitationKind.MTUS, CitationKind.NON_MTUS) and not text:
            label = CitationKind(kind).label
            self.error(
                f"{here}.text",
                f"is required when the citation is {label} (kind {kind}): the guideline cited",
                form=(
                    f"is required when UR cited {label}: name the guideline cited, or choose "
                    f"“{CitationKind.NONE.label}” if UR cited none"
                ),
            )
        if kind == CitationKind.NONE and text:
            self.error(
                f"{here}.text",
                "must be empty when nothing was cited (kind none)",
                form=f"must be empty when UR cited “{CitationKind.NONE.label}”",
            )
        return {"kind": kind, "text": text}

    def items(self, raw: dict, path: str) -> list[dict]:
        items = self.array(
            raw,
            "items",
            path,
            required="items" in CASE_REQUIRED,
            what="the disputed items",
            # From QA: "Disputed items must not be empty." read unlike the form's other lines.
            empty_said="are missing: add at least one disputed item",
        )
        if items and len(items) > ITEMS_MAX:
            self.error(
                f"{path}.items",
                f"names {len(items)} disputed items; the limit is {ITEMS_MAX}",
            )
            return []
        cleaned = []
        for index, item in enumerate(items or []):
            here = f"{path}.items[{index}]"
            if not isinstance(item, dict):
                self.error(here, "must be an object (a disputed item)")
                continue
            self.keys(item, here, ITEM_KEYS)
            category = self.choice(
                item,
                "category",
                here,
                ItemCategory.values,
                required="category" in ITEM_REQUIRED,
                what="an item category",
                labels=dict(ItemCategory.choices),
            )
            original = self.text(item, "original_request", here, max_length=ITEM_TEXT_MAX)
            authorized = self.text(item, "authorized_portion", here, max_length=ITEM_TEXT_MAX)
            # A modified request names both what was asked and what UR authorized (SPEC section 6).
            if original and not authorized:
                self.error(
                    f"{here}.authorized_portion",
                    "is required when original_request is given (UR modified the request)",
                    form="is required when Original request is given (UR modified the request)",
                )
            if authorized and not original:
                self.error(
                    f"{here}.original_request",
                    "is required when authorized_portion is given (UR modified the request)",
                    form="is required when Authorized portion is given (UR modified the request)",
                )
            kind = self.choice(
                item,
                "authorization_kind",
                here,
                AuthorizationKind.values,
                required=False,
                what="an authorization kind",
            )
            # A substitute names the original request (decided whole) and the substitute the
            # claims administrator authorized instead (SPEC section 6's second item-line form).
            if kind == AuthorizationKind.SUBSTITUTE and not (original and authorized):
                self.error(
                    f"{here}.authorization_kind",
                    "substitute needs original_request (the request decided) and "
                    "authorized_portion (the substitute the claims administrator authorized)",
                    form="a substitute needs the Original request (the request decided) and the "
                    "Authorized portion (the substitute the claims administrator authorized)",
                )
            formulary = self.boolean(item, "formulary_dispute", here)
            if formulary and category and category != ItemCategory.PHARMACEUTICALS:
                self.error(
                    f"{here}.formulary_dispute",
                    "only a pharmaceuticals item can be a drug-formulary dispute",
                )
            drug_class = self.choice(
                item, "drug_class", here, DrugClass.values, required=False, what="a drug class"
            )
            if drug_class and category and category != ItemCategory.PHARMACEUTICALS:
                self.error(f"{here}.drug_class", "only a pharmaceuticals item has a drug class")
            cleaned.append(
                {
                    "description": self.text(
                        item,
                        "description",
                        here,
                        required="description" in ITEM_REQUIRED,
                        max_length=ITEM_TEXT_MAX,
                    ),
                    "category": category,
                    "original_request": original,
                    "authorized_portion": authorized,
                    "authorization_kind": kind or AuthorizationKind.PORTION,
                    "ur_citation": self.citation(
                        item,
                        "ur_citation",
                        here,
                        whose="the UR",
                        required="ur_citation" in ITEM_REQUIRED,
                    ),
                    "formulary_dispute": formulary,
                    "drug_class": drug_class or "",
                }
            )
        return cleaned
