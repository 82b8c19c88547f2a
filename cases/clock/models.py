"""The two holiday calendars of the statutory clock, kept as our own versioned data (SPEC
section 3). A calendar is never edited in place: every edit writes a new version holding the
whole list, with who made it, when and why, so a computed deadline can name the version it
used and an old computation can be explained later."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class CalendarName(models.TextChoices):
    # CCP 12a, 135: a period in calendar days that ends on a judicial holiday runs on.
    JUDICIAL = "judicial", "Judicial holidays (roll-forward of calendar-day periods)"
    # Lab. Code 4600.4(b): working days skip the holidays of the state (CalHR's list).
    STATE_OFFICES = "state_offices", "State office holidays (working days)"


class HolidayCalendar(models.Model):
    name = models.CharField(max_length=32, choices=CalendarName.choices, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.get_name_display()


class CalendarVersion(models.Model):
    calendar = models.ForeignKey(HolidayCalendar, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(help_text="Why this version was made.")

    class Meta:
        ordering = ["calendar", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "number"], name="calendar_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar.name} v{self.number}"


class Holiday(models.Model):
    version = models.ForeignKey(CalendarVersion, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=120)
    source = models.CharField(max_length=200, help_text="The law or list that makes it a holiday.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["version", "date"], name="holiday_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%m/%d/%Y} {self.name}"
