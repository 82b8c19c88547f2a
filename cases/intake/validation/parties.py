"""The injured worker and the parties of an application: names, identifiers (NPI), how each
is served (CCP 1010.6(a)(2) for e-mail service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cases.intake.validation.base import IntakeCheckerBase, max_length_of
from cases.intake.validation.keys import (
    CASE_REQUIRED,
    NPI_RE,
    PARTY_KEYS,
    PARTY_REQUIRED,
    REQUIRED_PARTIES,
    WORKER_KEYS,
    WORKER_MAX_AGE,
    WORKER_MIN_AGE,
    WORKER_REQUIRED,
)
from cases.jsoncheck import key_path
from cases.lifecycle.models import ADDRESS_MAX, Case, DeliveryMethod, Party, PartyRole, Sex


class PartyChecks(IntakeCheckerBase):
    """The injured worker, each party, and how each is served."""

    def worker(self, raw: dict, path: str, injury: dt.date | None) -> dict:
        here = f"{path}.injured_worker"
        worker = self.obj(
            raw,
            "injured_worker",
            path,
            required="injured_worker" in CASE_REQUIRED,
            what="the injured worker",
        )
        if worker is None:
            return {}
        self.keys(worker, here, WORKER_KEYS)
        cleaned: dict[str, Any] = {
            "first_name": self.text(
                worker,
                "first_name",
                here,
                required="first_name" in WORKER_REQUIRED,
                max_length=max_length_of(Case, "worker_first_name"),
            ),
            "last_name": self.text(
                worker,
                "last_name",
                here,
                required="last_name" in WORKER_REQUIRED,
                max_length=max_length_of(Case, "worker_last_name"),
            ),
            "date_of_birth": self.date(worker, "date_of_birth", here),
            "age": None,
            "sex": self.choice(worker, "sex", here, Sex.values, required=False, what="a sex")
            or Sex.UNKNOWN,
            "email": self.email(worker, "email", here),
            "address": self.text(worker, "address", here, max_length=ADDRESS_MAX),
            **self.service(worker, here),
        }
        age = worker.get("age")
        if age is not None:
            if (
                isinstance(age, bool)
                or not isinstance(age, int)
                or not WORKER_MIN_AGE <= age <= WORKER_MAX_AGE
            ):
                self.error(
                    f"{here}.age",
                    f"must be a whole number of years from {WORKER_MIN_AGE} to {WORKER_MAX_AGE}",
                )
            else:
                cleaned["age"] = age
        birth = cleaned["date_of_birth"]
        if birth and injury:
            years = (
                injury.year - birth.year - ((injury.month, injury.day) < (birth.month, birth.day))
            )
            if birth > injury:
                self.error(
                    f"{here}.date_of_birth",
                    f"{birth} is after the date of injury ({injury}): the worker was not born yet",
                )
            elif not WORKER_MIN_AGE <= years <= WORKER_MAX_AGE:
                self.error(
                    f"{here}.date_of_birth",
                    f"{birth} makes the worker {years} years old at the injury ({injury})",
                )
            elif cleaned["age"] is not None and cleaned["age"] != years:
                # The age stands for the date of birth (SPEC 7); given both, the letter's
                # opening ("a 57 year old") and the export would disagree.
                self.error(
                    f"{here}.age",
                    f"is {cleaned['age']}, but the date of birth {birth} makes the worker "
                    f"{years} at the injury ({injury}); give the date of birth alone, or an "
                    "age that agrees",
                )
        return cleaned

    def party(self, raw: dict, role: str, path: str) -> dict | None:
        here = key_path(path, role)
        label = PartyRole(role).label
        label = label if label[:2].isupper() else label[0].lower() + label[1:]
        party = self.obj(
            raw, role, path, required=role in REQUIRED_PARTIES, what=f"the {label}, with a name"
        )
        if party is None:
            return None
        self.keys(party, here, PARTY_KEYS[role])
        identifier = self.text(
            party, "identifier", here, max_length=max_length_of(Party, "identifier")
        )
        npi = self.text(party, "npi", here)
        if npi and not NPI_RE.match(npi):
            self.error(f"{here}.npi", f"{npi!r} is not an NPI (ten digits)")
        if npi and identifier and npi != identifier:
            self.error(f"{here}.npi", "differs from identifier; give one of them")
        return {
            "name": self.text(
                party,
                "name",
                here,
                required="name" in PARTY_REQUIRED,
                max_length=max_length_of(Party, "name"),
            ),
            "identifier": identifier or npi,
            "specialty": self.text(
                party, "specialty", here, max_length=max_length_of(Party, "specialty")
            ),
            "email": self.email(party, "email", here),
            "address": self.text(party, "address", here, max_length=ADDRESS_MAX),
            **self.service(party, here),
        }

    def service(self, raw: dict, here: str) -> dict:
        """How the party is served: `delivery_method` (email or mail; absent: e-mail with an
        address and consent, else mail) and `e_service_consent` (CCP 1010.6(a)(2))."""
        method = self.choice(
            raw, "delivery_method", here, DeliveryMethod.values, required=False, what="a method"
        )
        consent = self.boolean(raw, "e_service_consent", here)
        if method == DeliveryMethod.EMAIL and not (raw.get("email") and consent):
            self.error(
                f"{here}.delivery_method",
                "email service needs an email address and e_service_consent: true",
                form="e-mail service needs an Email address and “Consented to electronic "
                "service” ticked",
            )
        return {"delivery_method": method or "", "e_service_consent": bool(consent)}
