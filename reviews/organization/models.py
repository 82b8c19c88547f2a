"""The organization: name, address and signature block printed on its letters."""

from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models

from cases.lifecycle.models import ADDRESS_MAX

# --- The letter (SPEC section 6) --------------------------------------------------------------


class Organization(models.Model):
    """The IRO's own details for letterhead and signature block (one row)."""

    name = models.CharField(max_length=200, default="IMR Desk Review Organization")
    short_name = models.CharField(
        max_length=60, default="IMR Desk", help_text='Printed as "<short name> guideline:".'
    )
    # Printed on every letterhead: an address's length as intake takes a party's (from a QA
    # pass: 5,000 characters were saved), and a web address as people write one (no "javascript:").
    address = models.TextField(
        default="100 Example Street\nSacramento, CA 95814",
        max_length=ADDRESS_MAX,
        validators=[MaxLengthValidator(ADDRESS_MAX)],
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.CharField(
        max_length=200,
        blank=True,
        validators=[
            RegexValidator(
                r"^(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$",
                message="Give the web address as it prints, such as www.iro.example or "
                "https://www.iro.example.",
            )
        ],
    )
    signatory_name = models.CharField(max_length=120, default="Medical Director")
    signatory_title = models.CharField(max_length=120, default="Independent Medical Review")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
