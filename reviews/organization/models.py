"""The organization: name, address and signature block printed on its letters."""

from django.db import models

# --- The letter (SPEC section 6) --------------------------------------------------------------


class Organization(models.Model):
    """The IRO's own details for letterhead and signature block (one row)."""

    name = models.CharField(max_length=200, default="IMR Desk Review Organization")
    short_name = models.CharField(
        max_length=60, default="IMR Desk", help_text='Printed as "<short name> guideline:".'
    )
    address = models.TextField(default="100 Example Street\nSacramento, CA 95814")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.CharField(max_length=200, blank=True)
    signatory_name = models.CharField(max_length=120, default="Medical Director")
    signatory_title = models.CharField(max_length=120, default="Independent Medical Review")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
