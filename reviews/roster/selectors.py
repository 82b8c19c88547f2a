"""Reads of the roster: the specialty vocabulary and the category-to-specialties table."""

from cases.lifecycle.models import ItemCategory
from reviews.roster.models import CategorySpecialty, Specialty


def specialty_table_rows(*, category: str | None = None) -> tuple[list, list[dict]]:
    """The specialty vocabulary, and one row per category of disputed item (or just
    `category`'s) with the specialties accepted for it (SPEC section 4, rule 2)."""

    specialties = list(Specialty.objects.all())
    links = CategorySpecialty.objects.values_list("category", "specialty_id")
    if category is not None:
        links = links.filter(category=category)
    table: dict[str, set[int]] = {}
    for linked_category, specialty_id in links:
        table.setdefault(linked_category, set()).add(specialty_id)
    rows = [
        {
            "category": value,
            "label": label,
            "chosen": [s for s in specialties if s.pk in table.get(value, set())],
            "chosen_ids": table.get(value, set()),
        }
        for value, label in ItemCategory.choices
        if category is None or value == category
    ]
    return specialties, rows


def specialty_names() -> list[str]:
    """The specialty vocabulary, by name."""
    return list(Specialty.objects.values_list("name", flat=True))


def specialty_vocabulary() -> dict:
    """The specialty vocabulary by match key (case- and punctuation-insensitive name)."""
    return {specialty.key: specialty for specialty in Specialty.objects.all()}
