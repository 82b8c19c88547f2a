"""Synthetic but realistic data for the benchmarks: a reviewer roster and cases waiting for a
reviewer, built quickly with bulk_create from a seeded RNG (the same seed gives the same data).

Also the benchmarks' database setup: each benchmark runs on a throwaway database of its own,
created fresh and migrated, never on var/imrdesk.sqlite3 or a test database.

Import this module before django.setup(); the model imports are inside the functions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
DEFAULT_SEED = 20261124


# --- The throwaway database -------------------------------------------------------------------


def bench_arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help=(
            "Run on this database (default: $BENCH_DATABASE_URL, else a throwaway SQLite file "
            "under var/bench/). It is migrated and used as it is, never dropped or emptied; it "
            "must hold no case yet, unless the benchmark says it can reuse its own data."
        ),
    )
    parser.add_argument(
        "--create-database",
        action="store_true",
        help=(
            "Create the PostgreSQL database --database-url names first (it must not exist; "
            "its name must contain 'bench'). Nothing ever drops it: drop it yourself."
        ),
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="RNG seed for the data.")
    return parser


def _postgres_create(url: str) -> None:
    """Create the database named in `url`, through the server's `postgres` database. Never
    drops one: a name that exists already is refused."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to create database {name!r}: a benchmark database's name must contain "
            "'bench'."
        )
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists:
            raise SystemExit(
                f"Database {name!r} exists already; a benchmark never drops a database. Drop "
                "it yourself, or pass it without --create-database to run on it as it is."
            )
        connection.execute(f'CREATE DATABASE "{name}"')


def bench_django_setup(
    name: str,
    database_url: str | None,
    *,
    create: bool = False,
    reuse: bool = False,
) -> str:
    """Point Django at the benchmark's database, migrate it, and return a one-line description
    of where it is. With no URL: a fresh SQLite file of the benchmark's own under var/bench/.
    A URL handed in is used as it is and never dropped or emptied (`create`: make it first);
    it must hold no case, unless `reuse` (the benchmark reuses the data it made before)."""
    sys.path.insert(0, str(ROOT))
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    handed = bool(database_url)
    if database_url:
        if database_url.startswith(("postgres://", "postgresql://")):
            if create:
                _postgres_create(database_url)
            where = f"PostgreSQL {urlsplit(database_url).path.lstrip('/')}"
        elif database_url.startswith("sqlite:"):
            if create:
                raise SystemExit("--create-database is for PostgreSQL; SQLite creates its file.")
            where = f"SQLite {urlsplit(database_url).path}"
        else:
            raise SystemExit(f"Unsupported database URL {database_url!r}.")
    else:
        path = BENCH_VAR / f"{name}.sqlite3"
        for stale in BENCH_VAR.glob(path.name + "*"):
            stale.unlink()
        database_url = f"sqlite:///{path}"
        where = f"SQLite {path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "imrsite.settings"
    os.environ["DATABASE_URL"] = database_url
    # Notification tasks a real assignment enqueues go to a broker folder of this benchmark's
    # own (no worker reads it), never to the application's broker.
    broker_dir = BENCH_VAR / f"broker-{name}"
    shutil.rmtree(broker_dir, ignore_errors=True)
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_FS_BROKER_DIR"] = str(broker_dir)
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import logging

    import django
    from django.core.management import call_command

    django.setup()
    # kombu warns on every connection to the filesystem broker that it has no hostname.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    if handed and not reuse:
        from cases.lifecycle.models import Case

        if Case.objects.exists():
            raise SystemExit(
                f"{where} holds cases already; a benchmark adds its own data to an empty "
                "database and never empties one. Pass an empty database."
            )
    return f"{where} (migrated in {migrated:.1f} s)"


def bench_broker_clean(name: str) -> None:
    shutil.rmtree(BENCH_VAR / f"broker-{name}", ignore_errors=True)


# --- Vocabularies -----------------------------------------------------------------------------

# How often each specialty appears among IMR reviewers' certifications (a relative weight).
SPECIALTY_WEIGHTS = {
    "Orthopedic Surgery": 18,
    "Pain Management": 12,
    "Physical Medicine & Rehabilitation": 12,
    "Occupational Medicine": 11,
    "Family Practice": 8,
    "Internal Medicine": 7,
    "Psychiatry": 6,
    "Anesthesiology": 6,
    "Chiropractic": 6,
    "Neurology": 5,
    "Psychology": 4,
    "Neurological Surgery": 3,
    "Sports Medicine": 3,
    "Hand Surgery": 2,
    "Radiology": 2,
    "Preventive Medicine": 2,
    "Rheumatology": 1,
    "Podiatrist": 1,
    "Dentist": 1,
    "Oriental Medicine": 1,
    "Physical Therapy": 1,
    "General Surgery": 1,
    "Toxicology": 1,
    "Addiction Psychiatry": 1,
}

# Disputed items by category, weighted roughly as IMR decisions are (drugs dominate).
CATEGORY_WEIGHTS = {
    "pharmaceuticals": 34,
    "pt_ot": 9,
    "diagnostic_imaging": 9,
    "dme": 6,
    "injection": 5,
    "injection_facet": 3,
    "chiropractic": 4,
    "acupuncture": 4,
    "evaluation_management": 4,
    "diagnostic_emg": 3,
    "psych_therapy": 3,
    "psych_evaluation": 2,
    "programs": 2,
    "diagnostic_lab": 2,
    "electrical_stimulation": 2,
    "surgery_spine": 2,
    "surgery_arthroscopic": 2,
    "surgery_non_arthroscopic": 1,
    "surgical_consult": 1,
    "home_health": 1,
    "supplies": 1,
    "rehab_other": 1,
    "therapies_other": 1,
    "prosthetics_orthotics": 1,
    "transportation": 1,
    "dental": 0.3,
}

ITEM_DESCRIPTIONS = {
    "pharmaceuticals": ["Tramadol 50 mg #60", "Gabapentin 600 mg #90", "Lidocaine 5% patch #30"],
    "pt_ot": ["Physical therapy 2x6 lumbar spine", "Occupational therapy 8 sessions right hand"],
    "diagnostic_imaging": ["MRI of the right shoulder without contrast", "CT lumbar spine"],
    "dme": ["Home TENS unit purchase", "Cold therapy unit rental 30 days"],
    "injection": ["Lumbar sympathetic block", "Trigger point injections x4"],
    "injection_facet": ["Bilateral L4-5 facet injections", "Cervical medial branch block"],
    "chiropractic": ["Chiropractic manipulation x6"],
    "acupuncture": ["Acupuncture 6 sessions"],
    "evaluation_management": ["Follow-up visit with pain specialist"],
    "diagnostic_emg": ["EMG/NCV bilateral upper extremities"],
    "psych_therapy": ["Cognitive behavioral therapy 6 sessions"],
    "psych_evaluation": ["Psychological evaluation"],
    "programs": ["Functional restoration program 80 hours"],
    "diagnostic_lab": ["Urine drug screen"],
    "electrical_stimulation": ["Interferential stimulator rental"],
    "surgery_spine": ["L5-S1 anterior lumbar interbody fusion"],
    "surgery_arthroscopic": ["Right shoulder arthroscopic subacromial decompression"],
    "surgery_non_arthroscopic": ["Right carpal tunnel release"],
    "surgical_consult": ["Spine surgery consultation"],
    "home_health": ["Home health aide 4 hours a day for 6 weeks"],
    "supplies": ["Hot/cold packs"],
    "rehab_other": ["Work hardening 10 sessions"],
    "therapies_other": ["Aquatic therapy 8 sessions"],
    "prosthetics_orthotics": ["Custom foot orthotics"],
    "transportation": ["Transportation to and from medical appointments"],
    "dental": ["Dental implant lower left molar"],
}

# The requesting provider's specialty follows the first item's category where it is obvious.
PROVIDER_SPECIALTY_BY_CATEGORY = {
    "chiropractic": ["Chiropractic"],
    "acupuncture": ["Oriental Medicine", "Physical Medicine & Rehabilitation"],
    "psych_therapy": ["Psychiatry", "Psychology"],
    "psych_evaluation": ["Psychiatry", "Psychology"],
    "surgery_spine": ["Orthopedic Surgery", "Neurological Surgery"],
    "surgery_arthroscopic": ["Orthopedic Surgery"],
    "surgery_non_arthroscopic": ["Orthopedic Surgery", "Hand Surgery"],
    "surgical_consult": ["Orthopedic Surgery", "Physical Medicine & Rehabilitation"],
    "injection": ["Pain Management", "Anesthesiology", "Physical Medicine & Rehabilitation"],
    "injection_facet": ["Pain Management", "Anesthesiology"],
    "diagnostic_emg": ["Neurology", "Physical Medicine & Rehabilitation"],
    "dental": ["Dentist"],
}
PROVIDER_SPECIALTY_DEFAULT = [
    "Orthopedic Surgery",
    "Pain Management",
    "Physical Medicine & Rehabilitation",
    "Occupational Medicine",
    "Family Practice",
    "Internal Medicine",
]

LICENCE_STATES = {"CA": 60, "NV": 5, "AZ": 5, "OR": 4, "WA": 4, "TX": 4, "NY": 3, "FL": 3}
LICENCE_STATES.update({"IL": 2, "CO": 2, "UT": 2, "NC": 2, "MA": 2, "PA": 2})


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Ana Ben Carla David Elena Frank Grace Hector Irene James Karen Luis Maria Nina Omar Paula "
    "Quinn Rosa Samuel Teresa Umar Victor Wendy Xavier Yolanda Zach Aaron Beatriz Carlos Diana "
    "Edward Fatima George Helen Ivan Julia Kevin Laura Miguel Nora Oscar Priya Raj Sofia Thomas "
    "Uma Vanessa William Yusuf Alicia Brian Chen Dolores Ethan Farah Gabriel Hannah Isaac Jasmine"
)
LAST_NAMES = _words(
    "Garcia Smith Nguyen Johnson Lee Martinez Brown Kim Lopez Davis Park Wilson Hernandez Chen "
    "Anderson Patel Gonzalez Thomas Wong Rodriguez Taylor Moore Jackson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz "
    "Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz "
    "Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Cox Ward Richardson Watson Brooks "
    "Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers "
    "Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson"
)

PLACES = _words(
    "Acme Pacific Sierra Coastal Redwood Sunset Mission Harbor Summit Valley Golden-State "
    "Bay-Area Central-Valley Orange-County Inland-Empire Capitol Delta Mojave Shasta Monterey "
    "Sequoia Tahoe Yosemite Ventura Santa-Clara San-Joaquin Kern Fresno Sonoma Napa Marin "
    "Alameda Riverside Cascade Canyon Pinnacle Frontier Liberty Evergreen Horizon"
)
INDUSTRIES = _words(
    "Foods Logistics Builders Farms Packaging Transit Staffing Hospitality Retail Manufacturing "
    "Construction Dairy Warehousing Security Janitorial Landscaping Plumbing Electric Trucking "
    "Roofing Nurseries Bottling Steel Lumber Freight Poultry Vineyards Cannery Textiles Airlines"
)
COMPANY_SUFFIXES = ["Inc.", "LLC", "Corp.", "Co.", "Company", ""]


@dataclass(frozen=True)
class Entity:
    """One organization or physician of the name pool that reviewers and cases share."""

    kind: str  # employer, claims_administrator, provider_group, ur_organization, physician
    name: str
    identifier: str
    specialty: str = ""


def _place(rng: random.Random) -> str:
    return rng.choice(PLACES).replace("-", " ")


def name_pool(rng: random.Random) -> dict[str, list[Entity]]:
    """About 600 organizations and physicians, with identifiers (FEIN, NPI) for some."""

    def fein() -> str:
        return f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"

    def npi() -> str:
        return f"1{rng.randint(100000000, 999999999)}"

    def unique(make, count: int) -> list[Entity]:
        seen: dict[str, Entity] = {}
        while len(seen) < count:
            entity = make()
            seen.setdefault(entity.name.lower(), entity)
        return list(seen.values())

    pool = {
        "employer": unique(
            lambda: Entity(
                "employer",
                " ".join(
                    part
                    for part in (_place(rng), rng.choice(INDUSTRIES), rng.choice(COMPANY_SUFFIXES))
                    if part
                ),
                fein() if rng.random() < 0.3 else "",
            ),
            220,
        ),
        "claims_administrator": unique(
            lambda: Entity(
                "claims_administrator",
                f"{_place(rng)} "
                + rng.choice(
                    ["Claims Services", "Risk Management", "Insurance Company", "Adjusting Inc."]
                ),
                fein() if rng.random() < 0.5 else "",
            ),
            60,
        ),
        "provider_group": unique(
            lambda: Entity(
                "provider_group",
                f"{_place(rng)} "
                + rng.choice(
                    [
                        "Orthopedic Medical Group",
                        "Pain Institute",
                        "Spine Center",
                        "Occupational Health",
                        "Medical Associates",
                        "Rehabilitation Group",
                    ]
                ),
                npi() if rng.random() < 0.5 else "",
            ),
            90,
        ),
        "ur_organization": unique(
            lambda: Entity(
                "ur_organization",
                f"{_place(rng)} " + rng.choice(["UR", "Utilization Review", "Medical Review Inc."]),
                "",
            ),
            30,
        ),
    }
    specialties, weights = zip(*SPECIALTY_WEIGHTS.items(), strict=True)
    physicians = unique(
        lambda: Entity(
            "physician",
            f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            npi(),
            rng.choices(specialties, weights)[0],
        ),
        200,
    )
    # Namesakes: the same name, another physician (another NPI): not a conflict when both
    # sides carry the identifier.
    namesakes = [
        Entity("physician", physician.name, npi(), rng.choices(specialties, weights)[0])
        for physician in rng.sample(physicians, 20)
    ]
    pool["physician"] = physicians + namesakes
    return pool


def name_variant(rng: random.Random, entity: Entity) -> str:
    """The same name as someone else might type it: capitals, punctuation, corporate suffix."""
    name = entity.name
    roll = rng.random()
    if roll < 0.55:
        return name
    if entity.kind == "physician":
        bare = name.removeprefix("Dr. ")
        return rng.choice([f"{bare} MD", bare.upper(), f"Dr {bare}"])
    if roll < 0.75:
        return name.upper().replace(".", "")
    if roll < 0.9:
        for suffix in COMPANY_SUFFIXES[:-1]:
            name = name.removesuffix(" " + suffix)
        return name
    return name.replace(" Inc.", ", Inc.").replace(" LLC", ", L.L.C.")


# --- The builder ------------------------------------------------------------------------------

AFFILIATION_KIND_WEIGHTS = {
    "physician": 35,
    "provider_group": 25,
    "employer": 15,
    "claims_administrator": 15,
    "ur_organization": 10,
}


class BenchData:
    """Adds reviewers and waiting cases to the database in bulk. Deterministic for a seed and
    the same sequence of calls."""

    def __init__(self, *, seed: int = DEFAULT_SEED, today: dt.date | None = None):
        from django.utils import timezone

        from reviews.roster.models import Specialty

        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.pool = name_pool(self.rng)
        self.specialty_ids = {s.name: s.pk for s in Specialty.objects.all()}
        missing = set(SPECIALTY_WEIGHTS) - set(self.specialty_ids)
        if missing:
            raise SystemExit(f"Specialties missing from the vocabulary: {sorted(missing)}")
        self.reviewers = 0
        self.cases = 0

    def _affiliation(self, affiliation_cls, profile):
        rng = self.rng
        kinds, weights = zip(*AFFILIATION_KIND_WEIGHTS.items(), strict=True)
        pool_kind = rng.choices(kinds, weights)[0]
        entity = rng.choice(self.pool[pool_kind])
        kind = rng.choice(["provider", "person"]) if pool_kind == "physician" else pool_kind
        identifier = entity.identifier if entity.identifier and rng.random() < 0.6 else ""
        return affiliation_cls(
            profile=profile, kind=kind, name=name_variant(rng, entity), identifier=identifier
        )

    def reviewers_add(self, count: int) -> int:
        """Add `count` reviewers with profiles, licences, certifications, affiliations and some
        leave. Returns how many now exist."""
        from django.contrib.auth.hashers import make_password
        from django.db import transaction

        from accounts.models import Role, User
        from reviews.roster.models import Affiliation, LeavePeriod, Licence, ReviewerProfile

        rng = self.rng
        first = self.reviewers
        specialties, weights = zip(*SPECIALTY_WEIGHTS.items(), strict=True)
        states, state_weights = zip(*LICENCE_STATES.items(), strict=True)
        unusable = make_password(None)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"bench-rev-{n:05d}",
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        email=f"bench-rev-{n:05d}@reviewers.example.org",
                        role=Role.REVIEWER,
                        password=unusable,
                    )
                    for n in range(first, first + count)
                ],
                batch_size=500,
            )
            profiles = ReviewerProfile.objects.bulk_create(
                [
                    ReviewerProfile(
                        user=user,
                        external_id=f"REV-{first + offset:05d}",
                        years_in_practice=rng.randint(3, 35),
                        weekly_practice_hours=rng.randint(10, 60),
                        max_open_cases=rng.randint(3, 15),
                        carried_open_cases=rng.randint(0, 5),
                        on_leave=rng.random() < 0.03,
                    )
                    for offset, user in enumerate(users)
                ],
                batch_size=500,
            )
            certifications, licences, affiliations, leave = [], [], [], []
            through = ReviewerProfile.certifications.through
            for profile in profiles:
                chosen: set[str] = set()
                wanted = rng.choice([1, 1, 2, 2, 2, 3])
                while len(chosen) < wanted:
                    chosen.add(rng.choices(specialties, weights)[0])
                certifications += [
                    through(reviewerprofile=profile, specialty_id=self.specialty_ids[name])
                    for name in sorted(chosen)
                ]
                held: list[str] = []
                wanted = rng.choice([1, 1, 1, 2, 2, 3])
                while len(held) < wanted:
                    state = rng.choices(states, state_weights)[0]
                    if state not in held:
                        held.append(state)
                for state in held:
                    if rng.random() < 0.10:  # expired
                        expires = self.today - dt.timedelta(days=rng.randint(1, 700))
                    else:
                        expires = self.today + dt.timedelta(days=rng.randint(30, 1500))
                    licences.append(
                        Licence(
                            profile=profile,
                            state=state,
                            number=f"{state[0]}{rng.randint(10000, 999999)}",
                            expires=expires,
                            restricted=rng.random() < 0.04,
                        )
                    )
                affiliations += [
                    self._affiliation(Affiliation, profile) for _ in range(rng.randint(2, 6))
                ]
                if rng.random() < 0.05:
                    starts = self.today + dt.timedelta(days=rng.randint(1, 25))
                    leave.append(
                        LeavePeriod(
                            profile=profile,
                            starts=starts,
                            ends=starts + dt.timedelta(days=rng.randint(3, 14)),
                            note="Vacation",
                        )
                    )
            through.objects.bulk_create(certifications, batch_size=1000)
            Licence.objects.bulk_create(licences, batch_size=1000)
            Affiliation.objects.bulk_create(affiliations, batch_size=1000)
            LeavePeriod.objects.bulk_create(leave, batch_size=1000)
        self.reviewers += count
        return self.reviewers

    def cases_add(self, count: int) -> list[int]:
        """Add `count` cases with complete records (waiting for a reviewer). Returns their ids."""
        from django.db import transaction

        from cases.lifecycle.models import Case, CaseStatus, DisputedItem, Party, PartyRole

        rng = self.rng
        first = self.cases
        categories, category_weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
        physicians_by_specialty: dict[str, list[Entity]] = {}
        for physician in self.pool["physician"]:
            physicians_by_specialty.setdefault(physician.specialty, []).append(physician)
        with transaction.atomic():
            new_cases, plans = [], []
            for n in range(first, first + count):
                expedited = rng.random() < 0.10
                received = self.today - dt.timedelta(days=rng.randint(10, 40))
                ur_date = received - dt.timedelta(days=rng.randint(1, 25))
                new_cases.append(
                    Case(
                        case_number=f"CM26-{n + 1:07d}",
                        application_id=f"A-BENCH-{n + 1:07d}",
                        priority="expedited" if expedited else "standard",
                        status=CaseStatus.RECORDS_COMPLETE,
                        application_received=received,
                        ur_decision_date=ur_date,
                        date_of_injury=ur_date - dt.timedelta(days=rng.randint(30, 900)),
                        claim_number=f"{rng.randint(1, 99):02d}-{rng.randint(100000, 999999)}",
                        date_assigned=received + dt.timedelta(days=2),
                        records_complete_on=self.today - dt.timedelta(days=rng.randint(0, 10)),
                        due_on=self.today
                        + dt.timedelta(days=rng.randint(1, 3) if expedited else rng.randint(1, 30)),
                        worker_first_name=rng.choice(FIRST_NAMES),
                        worker_last_name=rng.choice(LAST_NAMES),
                        worker_date_of_birth=dt.date(rng.randint(1955, 2000), 1, 1)
                        + dt.timedelta(days=rng.randint(0, 364)),
                        worker_sex=rng.choice(["female", "male"]),
                        diagnoses=["lumbar sprain"],
                        source="import",
                    )
                )
                item_categories = []
                while len(item_categories) < rng.choice([1, 1, 1, 2, 2, 3]):
                    category = rng.choices(categories, category_weights)[0]
                    if category not in item_categories:
                        item_categories.append(category)
                plans.append(item_categories)
            cases = Case.objects.bulk_create(new_cases, batch_size=500)
            items, parties = [], []
            for case, item_categories in zip(cases, plans, strict=True):
                for position, category in enumerate(item_categories, start=1):
                    items.append(
                        DisputedItem(
                            case=case,
                            position=position,
                            description=rng.choice(ITEM_DESCRIPTIONS[category]),
                            category=category,
                            ur_citation_kind="mtus",
                            ur_citation_text="MTUS Chronic Pain Medical Treatment Guidelines",
                        )
                    )
                specialty = rng.choice(
                    PROVIDER_SPECIALTY_BY_CATEGORY.get(
                        item_categories[0], PROVIDER_SPECIALTY_DEFAULT
                    )
                )
                provider = rng.choice(
                    physicians_by_specialty.get(specialty) or self.pool["physician"]
                )
                parties.append(
                    self._party(case, PartyRole.REQUESTING_PROVIDER, provider, specialty)
                )
                for role, pool_kind, share in (
                    (PartyRole.EMPLOYER, "employer", 1.0),
                    (PartyRole.CLAIMS_ADMINISTRATOR, "claims_administrator", 1.0),
                    (PartyRole.UR_ORGANIZATION, "ur_organization", 1.0),
                    (PartyRole.UR_PHYSICIAN, "physician", 0.6),
                    (PartyRole.PROVIDER_GROUP, "provider_group", 0.5),
                ):
                    if rng.random() < share:
                        entity = rng.choice(self.pool[pool_kind])
                        parties.append(self._party(case, role, entity, ""))
            DisputedItem.objects.bulk_create(items, batch_size=1000)
            Party.objects.bulk_create(parties, batch_size=1000)
        self.cases += count
        return [case.pk for case in cases]

    def _party(self, case, role, entity: Entity, specialty: str):
        from cases.lifecycle.models import Party

        rng = self.rng
        return Party(
            case=case,
            role=role,
            name=name_variant(rng, entity) if rng.random() < 0.3 else entity.name,
            identifier=entity.identifier if entity.identifier and rng.random() < 0.7 else "",
            specialty=specialty,
        )


# --- Small helpers for the reports ------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95 for p95)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def machine_line() -> str:
    import platform

    return (
        f"{platform.node()} · {os.cpu_count()} CPU(s) · Python {platform.python_version()} · "
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )
