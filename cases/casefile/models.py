"""A user's saved views of the case list: a name and the list's query string (filters and sort)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class SavedView(models.Model):
    """One user's named view of the case list. Theirs alone unless they share it (those who may:
    cases.access, SHARE_VIEWS): a shared view is offered, read-only and with its owner's name,
    to the other active users of the role it was shared with while its owner still holds that
    role (a case administrators' work queue); they may open it, not change it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    # The case list's query string without the page: "status=closed&sort=-due".
    query = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    # The role it is shared with (the owner's, when shared), or "": a role changed since does
    # not carry the view to the new role's users.
    shared_role = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.name}"

    def get_absolute_url(self) -> str:
        """The case list with its filters (stored normalised: casefile.forms.SavedViewForm)."""
        return reverse("casefile:case_list") + (f"?{self.query}" if self.query else "")

    @property
    def shared(self) -> bool:
        return bool(self.shared_role)
