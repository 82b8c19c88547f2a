"""A user's saved views of the case list: a name and the list's query string (filters and sort)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SavedView(models.Model):
    """One user's named view of the case list. Theirs alone unless they share it: a shared view
    is offered, read-only and with its owner's name, to the other active users of the owner's
    role (a case administrators' work queue), who may open it but not change it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    # The case list's query string without the page: "status=closed&sort=-due".
    query = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    shared = models.BooleanField(default=False)

    class Meta:
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.name}"
