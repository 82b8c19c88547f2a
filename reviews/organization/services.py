"""Reading and editing the organization's details."""

from __future__ import annotations

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


@transaction.atomic
def organization_update(*, actor, **values) -> Organization:
    """Letterhead and signature block; letters already signed keep what they printed."""
    organization = Organization.objects.select_for_update().get(pk=organization_current().pk)
    for name in ORGANIZATION_FIELDS:
        if name in values:
            setattr(organization, name, visible_strip(values[name] or ""))
    organization.full_clean()
    organization.save()
    return organization
