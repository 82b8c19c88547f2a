"""Reading and editing the organization's details."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.jsoncheck import visible_strip
from reviews.organization.models import Organization

ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "address",
    "phone",
    "email",
    "website",
    "signatory_name",
    "signatory_title",
)


def organization_current() -> Organization:
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        organization = Organization.objects.create()
    return organization


# --- Organization settings (system administrators) -----------------------------------------


def organization_fingerprint(organization: Organization) -> str:
    """What the details are, in a few characters: a form carries the one it showed, so a save
    made from details changed since is known (organization_update's `based_on`)."""
    shown = json.dumps([getattr(organization, name) for name in ORGANIZATION_FIELDS])
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


@transaction.atomic
def organization_update(*, actor, based_on: str | None = None, **values) -> Organization:
    """Letterhead and signature block; letters already signed keep what they printed.
    `based_on`: the fingerprint of the details the editor started from; refused when another
    save changed them since, which this one would silently undo."""
    organization = Organization.objects.select_for_update().get(pk=organization_current().pk)
    if based_on is not None and based_on != organization_fingerprint(organization):
        differing = [
            f"{Organization._meta.get_field(name).verbose_name.capitalize()}: "
            f"“{getattr(organization, name)}”"
            for name in ORGANIZATION_FIELDS
            if name in values and visible_strip(values[name] or "") != getattr(organization, name)
        ]
        raise ValidationError(
            "The details were saved by someone else while you were editing; your text is kept "
            "below. Saved meanwhile, where it differs from yours: "
            + ("; ".join(differing) or "nothing (the same as yours)")
            + ". Save again to replace them with yours.",
            code="conflict",
        )
    for name in ORGANIZATION_FIELDS:
        if name in values:
            setattr(organization, name, visible_strip(values[name] or ""))
    organization.full_clean()
    organization.save()
    return organization
