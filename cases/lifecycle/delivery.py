"""How each party is served and what stands in the way: the one rule that the case page's
parties panel, the letters room and intake share. Pure functions of the stored facts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from cases.lifecycle.models import CLOSED_STATUSES, Case, DeliveryMethod, Party, PartyRole
from cases.registry import reviewer_side

# The worker is on the case itself, not a Party row; this is their role on every paper.
WORKER_ROLE = "injured_worker"
WORKER_ROLE_LABEL = "Injured worker"

# The parties served with the case's papers (8 CCR 9792.10.4(b) for the notice; the letter's
# addressees and cc list): the worker, their attorney, the requesting provider, the claims
# administrator and the employer.
SERVED_PARTY_ROLES = (
    PartyRole.ATTORNEY,
    PartyRole.REQUESTING_PROVIDER,
    PartyRole.CLAIMS_ADMINISTRATOR,
    PartyRole.EMPLOYER,
)


# A United States address ends with its city and state, and its ZIP code ("Fresno, CA
# 93721", "…CA 93721-4410"; "Stockton, CA" is taken, the post office finds the ZIP); an address
# abroad ends with its country, on a line of its own after at least two others.
_ENDS_WITH_ZIP = re.compile(r"[A-Za-z].*\b\d{5}(?:-\d{4})?$|\w,\s*[A-Za-z]{2}\.?$")
ADDRESS_INCOMPLETE = (
    "A postal address ends with its city, state and ZIP code (“Fresno, CA 93721”), on a line "
    "of its own or after a comma: mail to “{first}” alone would not arrive. Add them, or "
    "leave the address empty until you have it (the papers wait for it)."
)


def address_problem(address: str) -> str:
    """Why mail to `address` would not arrive ("" when it may): typed for service, it needs
    its city, state and ZIP (from QA: "5 Dock Rd" alone was taken, and the notice was printed
    for it). An empty address is no problem here: the papers wait for one (service_problem)."""
    lines = [line.strip() for line in address.strip().splitlines() if line.strip()]
    if not lines or _ENDS_WITH_ZIP.search(lines[-1]) or len(lines) >= 3:
        return ""
    return ADDRESS_INCOMPLETE.format(first=lines[0])


def delivery_method_for(*, chosen: str, email: str, consent: bool) -> str:
    """The method a party is served by: e-mail only with an address and consent to electronic
    service (CCP 1010.6(a)(2)); postal mail when chosen, or when e-mail is not possible."""
    if chosen != DeliveryMethod.MAIL and email.strip() and consent:
        return DeliveryMethod.EMAIL
    return DeliveryMethod.MAIL


def service_problem(*, method: str, email: str, address: str, consent: bool) -> str:
    """What is missing for a party to be served at all ("" when nothing is)."""
    if method == DeliveryMethod.EMAIL or address.strip():
        return ""
    if email.strip() and not consent:
        return (
            "no postal address, and the e-mail address cannot be used without consent to "
            "electronic service"
        )
    return "no postal address and no e-mail address"


@dataclass(frozen=True)
class ServiceContact:
    """One served party: who, where, and how."""

    role: str
    role_label: str
    name: str
    email: str
    address: str
    chosen_method: str
    e_service_consent: bool

    @property
    def method(self) -> str:
        return delivery_method_for(
            chosen=self.chosen_method, email=self.email, consent=self.e_service_consent
        )

    @property
    def method_label(self) -> str:
        return DeliveryMethod(self.method).label

    @property
    def problem(self) -> str:
        return service_problem(
            method=self.method,
            email=self.email,
            address=self.address,
            consent=self.e_service_consent,
        )


def worker_contact(case: Case) -> ServiceContact:
    return ServiceContact(
        role=WORKER_ROLE,
        role_label=WORKER_ROLE_LABEL,
        name=case.worker_name,
        email=case.worker_email,
        address=case.worker_address,
        chosen_method=case.worker_delivery_method,
        e_service_consent=case.worker_e_service_consent,
    )


def party_contact(party: Party, *, role_label: str | None = None) -> ServiceContact:
    return ServiceContact(
        role=party.role,
        role_label=role_label or party.get_role_display(),
        name=party.name,
        email=party.email,
        address=party.address,
        chosen_method=party.delivery_method,
        e_service_consent=party.e_service_consent,
    )


def case_service_contacts(case: Case) -> list[ServiceContact]:
    """The worker and each served party on file, in the order the papers list them."""
    prefetch_related_objects([case], "parties")
    contacts = [worker_contact(case)]
    for role in SERVED_PARTY_ROLES:
        party = case.party(role)
        if party is not None:
            contacts.append(party_contact(party))
    return contacts


def case_service_problems(case: Case) -> list[ServiceContact]:
    """The served parties who cannot be served as things stand: a visible problem."""
    return [contact for contact in case_service_contacts(case) if contact.problem]


def service_problems_quiet(case: Case) -> bool:
    """Whether the parties panel says a party without a usable address quietly: a closed case
    with nothing waiting for one (from QA: a 2015 case imported as history raised an alarm for
    each party). A letter still held for a party keeps it an alarm (registry.copies_held)."""
    return case.status in CLOSED_STATUSES and not reviewer_side().copies_held(case)
