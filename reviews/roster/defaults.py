"""Seed data: the state's specialty list and the default category-to-specialties table.

The table is data an administrator edits afterwards (or replaces with import_specialty_table);
these defaults follow who ordinarily evaluates and treats each kind of request."""

from reviews.roster.models import CategorySpecialty, Specialty, specialty_key

SPECIALTIES = [
    "Addiction Psychiatry",
    "Allergy & Immunology",
    "Anesthesiology",
    "Cardiology",
    "Chiropractic",
    "Dentist",
    "Dermatology",
    "Emergency Medicine",
    "Endocrinology",
    "Family Practice",
    "Gastroenterology",
    "General Surgery",
    "Hand Surgery",
    "Infectious Disease",
    "Internal Medicine",
    "Nephrology",
    "Neurological Surgery",
    "Neurology",
    "Neuropsychology",
    "Obstetrics & Gynecology",
    "Occupational Medicine",
    "Ophthalmology",
    "Optometry",
    "Oriental Medicine",
    "Orthopedic Surgery",
    "Otolaryngology",
    "Pain Management",
    "Pharmacology",
    "Physical Medicine & Rehabilitation",
    "Physical Therapy",
    "Plastic Surgery",
    "Podiatrist",
    "Preventive Medicine",
    "Psychiatry",
    "Psychology",
    "Pulmonary Diseases",
    "Radiology",
    "Rheumatology",
    "Sports Medicine",
    "Surgery",
    "Toxicology",
    "Urology",
    "Vascular Surgery",
]

_MSK = [
    "Orthopedic Surgery",
    "Physical Medicine & Rehabilitation",
    "Occupational Medicine",
    "Sports Medicine",
]
_PRIMARY = ["Family Practice", "Internal Medicine", "Occupational Medicine", "Preventive Medicine"]
_SURGERY = [
    "Orthopedic Surgery",
    "Neurological Surgery",
    "Hand Surgery",
    "Surgery",
    "General Surgery",
]

CATEGORY_SPECIALTIES: dict[str, list[str]] = {
    "diagnostic_imaging": _MSK + ["Radiology", "Neurology", "Family Practice", "Internal Medicine"],
    "diagnostic_emg": [
        "Neurology",
        "Physical Medicine & Rehabilitation",
        "Orthopedic Surgery",
        "Occupational Medicine",
    ],
    "diagnostic_lab": _PRIMARY + ["Pain Management", "Toxicology"],
    "diagnostic_other": _MSK + _PRIMARY + ["Neurology"],
    "dme": _MSK + ["Family Practice", "Internal Medicine", "Pain Management"],
    "electrical_stimulation": _MSK + ["Pain Management", "Chiropractic"],
    "prosthetics_orthotics": _MSK + ["Podiatrist"],
    "supplies": _MSK + _PRIMARY,
    "evaluation_management": _PRIMARY + _MSK + ["Pain Management", "Neurology"],
    "dental": ["Dentist"],
    "home_health": _PRIMARY + ["Physical Medicine & Rehabilitation"],
    "injection_facet": [
        "Pain Management",
        "Anesthesiology",
        "Physical Medicine & Rehabilitation",
        "Orthopedic Surgery",
        "Occupational Medicine",
    ],
    "injection": [
        "Pain Management",
        "Anesthesiology",
        "Physical Medicine & Rehabilitation",
        "Orthopedic Surgery",
        "Occupational Medicine",
    ],
    "pharmaceuticals": _PRIMARY
    + [
        "Pain Management",
        "Anesthesiology",
        "Physical Medicine & Rehabilitation",
        "Psychiatry",
        "Pharmacology",
        "Toxicology",
    ],
    "programs": [
        "Physical Medicine & Rehabilitation",
        "Pain Management",
        "Occupational Medicine",
        "Psychology",
    ],
    "psych_evaluation": ["Psychiatry", "Psychology", "Neuropsychology", "Addiction Psychiatry"],
    "psych_therapy": ["Psychiatry", "Psychology"],
    "acupuncture": [
        "Oriental Medicine",
        "Physical Medicine & Rehabilitation",
        "Occupational Medicine",
        "Pain Management",
    ],
    "chiropractic": ["Chiropractic"],
    "pt_ot": _MSK + ["Physical Therapy", "Chiropractic"],
    "rehab_other": _MSK + ["Physical Therapy"],
    "surgery_adjunct": _SURGERY + ["Anesthesiology"],
    "surgery_arthroscopic": ["Orthopedic Surgery", "Sports Medicine"],
    "surgery_non_arthroscopic": _SURGERY + ["Plastic Surgery", "Vascular Surgery", "Urology"],
    "surgery_spine": ["Orthopedic Surgery", "Neurological Surgery"],
    "surgical_consult": _SURGERY + ["Physical Medicine & Rehabilitation"],
    "therapies_other": _MSK + ["Pain Management", "Chiropractic"],
    "transportation": _PRIMARY + ["Physical Medicine & Rehabilitation"],
}


def defaults_ensure() -> None:
    """Put the seed vocabulary and table back where they are missing (the data migration
    seeds them; a flushed test database or a fresh demo may not have them)."""

    if CategorySpecialty.objects.exists():
        return
    by_name = {}
    for name in SPECIALTIES:
        by_name[name], _ = Specialty.objects.get_or_create(
            key=specialty_key(name), defaults={"name": name}
        )
    CategorySpecialty.objects.bulk_create(
        [
            CategorySpecialty(category=category, specialty=by_name[name])
            for category, names in CATEGORY_SPECIALTIES.items()
            for name in dict.fromkeys(names)
        ],
        ignore_conflicts=True,
    )
