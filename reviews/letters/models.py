"""The letter and the case-file notices: the versioned fixed paragraphs, each signed version
of the Final Determination Letter and of each notice, and each delivery."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case, CaseEvent, DeliveryMethod, SentBy
from cases.records.storage import private_storage
from reviews.determination.models import Determination
from reviews.letters.notice_text import DEFAULT_NOTICE_TEXT


class LetterText(models.Model):
    """The organization's fixed paragraphs of the letter. Versioned: an edit is a new row, and
    each letter records the version it used."""

    version = models.PositiveIntegerField(unique=True)
    how_made = models.TextField(help_text="HOW THE IMR FINAL DETERMINATION WAS MADE paragraph.")
    summary_lead_in = models.TextField()
    issues_lead_in = models.TextField()
    # What each item's decision means, in plain words (Lab. Code 4610.6(d)).
    item_overturned_plain = models.TextField(default="")
    item_upheld_plain = models.TextField(default="")
    documents_not_listed = models.TextField(default="")
    records_incomplete = models.TextField(default="")
    binding_notice = models.TextField()
    appeal_notice = models.TextField()
    appeal_grounds = models.TextField(default="", help_text="Lab. Code 4610.6(h)(1)-(5).")
    appeal_remedy = models.TextField(default="", help_text="Lab. Code 4610.6(i).")
    overturned_notice = models.TextField()
    # The case-file notices' paragraphs (8 CCR 9792.10.4(b), 9792.10.5(a); 9792.10.3(c)).
    assignment_notice = models.TextField(default=DEFAULT_NOTICE_TEXT["assignment_notice"])
    records_request = models.TextField(default=DEFAULT_NOTICE_TEXT["records_request"])
    ineligibility_notice = models.TextField(default=DEFAULT_NOTICE_TEXT["ineligibility_notice"])
    ineligibility_next = models.TextField(default=DEFAULT_NOTICE_TEXT["ineligibility_next"])
    overturned_exception = models.TextField(default="", help_text="8 CCR 9792.10.7(a).")
    overturned_penalty = models.TextField(default="", help_text="8 CCR 9792.10.7(b), 9792.12.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Letter text v{self.version}"


class LetterStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    SIGNED = "signed", "Signed"
    # Out of production: each copy e-mailed, queued for the post or held for an address. Never
    # shown as such: pages say what is true of its copies (reviews.letters.service_status).
    DELIVERED = "delivered", "Out for service"
    FAILED = "failed", "Failed"


class Letter(models.Model):
    """One version of a case's Final Determination Letter. Once signed its bytes never change;
    a correction is a new version and the old one stays."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    determination = models.ForeignKey(
        Determination, on_delete=models.PROTECT, related_name="letters"
    )
    version = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=LetterStatus.choices, default=LetterStatus.QUEUED
    )
    letter_text = models.ForeignKey(LetterText, on_delete=models.PROTECT, related_name="+")
    mailing_date = models.DateField(null=True, blank=True)
    # How and when the letter was served, once delivered: an appeal period runs from service,
    # five days longer for a letter served by mail (CCP 1013(a)).
    sent_by = models.CharField(
        max_length=16,
        choices=SentBy.choices,
        blank=True,
        help_text="How the letter was served; blank until delivered, or when not sent from here.",
    )
    served_on = models.DateField(null=True, blank=True, help_text="The date of service.")
    # The holiday-calendar versions of the dates the letter printed ({"appeal_deadline":
    # "judicial v2", ...}), set when it is rendered: later calendar edits do not change them.
    calendar_versions = models.JSONField(default=dict, blank=True)
    # The duty dates the letter printed ({"authorization_due_on": "2026-12-18",
    # "reimbursement_due_on": ...}, ISO dates), set when it is rendered: the case's clock never
    # counts the claims administrator late before them (CLOCK_DUTIES_AS_PRINTED).
    duties_printed = models.JSONField(default=dict, blank=True)
    party_pdf = models.FileField(
        storage=private_storage, upload_to="letters/", max_length=300, blank=True
    )
    party_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    public_pdf = models.FileField(
        storage=private_storage, upload_to="letters/", max_length=300, blank=True
    )
    public_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    correction_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="letter_version_once")
        ]
        # The dashboard's letters per week (issue 12).
        indexes = [models.Index(fields=["served_on"], name="letter_served_on")]

    def __str__(self) -> str:
        return f"{self.case} letter v{self.version}"


class DeliveryStatus(models.TextChoices):
    SENT = "sent", "E-mailed"
    TO_PRINT = "to_print", "Waiting to be printed"
    PRINTED = "printed", "In a print batch, waiting to be posted"
    POSTED = "posted", "Posted"
    NO_ADDRESS = "no_address", "Waiting for an address"
    # Never sent: an amended version of the letter was signed before this copy went out, and
    # is served in its place (reviews.letters.superseded).
    REPLACED = "replaced", "Not sent: an amended version replaces it"
    # Never sent: a copy of the notice of assignment that had not gone out when the case closed
    # (determination issued, or terminated); it asks for records for a review that is over
    # (reviews.letters.superseded).
    WITHDRAWN = "withdrawn", "Not sent: the case closed before it went out"


# Served: the date of service is known (e-mail: the sending date; mail: the posting date).
SERVED_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.POSTED)
# Never sent, and never to be: an amended version replaced it, or the case closed first
# (reviews.letters.superseded). A document's service does not wait for such a copy.
NEVER_SENT_STATUSES = (DeliveryStatus.REPLACED, DeliveryStatus.WITHDRAWN)


class PrintBatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Preparing"
    READY = "ready", "Ready to print"
    FAILED = "failed", "Failed"


class PrintBatch(models.Model):
    """One print run of the postal mailings: a single PDF with each mailing's stored document and
    its stored proof of service, joined by a Celery task (`print_batch_render`); confirmed posted
    on a date, which is the date of service (CCP 1013(a))."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The date the proofs of service declare; "Confirm posted" with another date re-dates them.
    posting_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=PrintBatchStatus.choices, default=PrintBatchStatus.QUEUED
    )
    # Progress of the task: proofs made of `total` mailings; the page polls it.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # When it was last handed to the worker, and when the worker last took it: the beat sweep
    # hands over again a batch left queued (the broker was down) or preparing (a worker died).
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(storage=private_storage, upload_to="print/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    posted_on = models.DateField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Print batch {self.pk} of {self.created_at:%Y-%m-%d}"


class ServedCopy(models.Model):
    """What every served copy records, of a letter or of a notice: the recipient, the method
    (e-mail with consent to electronic service, or postal mail), where it went and the date of
    service."""

    recipient_role = models.CharField(max_length=32)
    recipient_name = models.CharField(max_length=200)
    cc = models.BooleanField(default=False)
    method = models.CharField(
        max_length=8, choices=DeliveryMethod.choices, default=DeliveryMethod.EMAIL
    )
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.SENT
    )
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    served_on = models.DateField(null=True, blank=True, help_text="The date of service.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["sent_at", "id"]


class LetterDelivery(ServedCopy):
    """One recipient's copy of a letter: by e-mail (served when sent) or by postal mail (queued
    for printing, served when the batch is posted), or held until the party has an address."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries")
    batch = models.ForeignKey(
        PrintBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="mailings"
    )

    class Meta(ServedCopy.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "recipient_role"], name="letter_delivery_once_per_recipient"
            )
        ]
        # The print queue's two lists (waiting to be printed, held for an address) read the few
        # copies not yet gone out among every copy ever served.
        indexes = [
            models.Index(
                fields=["status"],
                name="letter_delivery_open",
                condition=models.Q(status__in=[DeliveryStatus.TO_PRINT, DeliveryStatus.NO_ADDRESS]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} to {self.recipient_role}"

    @property
    def document(self) -> Letter:
        return self.letter


class NoticeKind(models.TextChoices):
    """The case-file documents other than the letter. (A proof of service is the next kind.)"""

    NOTICE_OF_ASSIGNMENT = (
        "notice_of_assignment",
        "Notice of Assignment and Request for Information",
    )
    INELIGIBILITY_NOTICE = "ineligibility_notice", "Notice of Ineligibility"


class Notice(models.Model):
    """One version of a notice a case event calls for, rendered from its template, signed and
    stored with the SHA-256 of the signed bytes. Once signed its bytes never change; like the
    letter, a new version is a new row and the old one stays."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=LetterStatus.choices, default=LetterStatus.QUEUED
    )
    # The finding it was made from: what the notice says (reasons, note) is read from it.
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="+")
    letter_text = models.ForeignKey(LetterText, on_delete=models.PROTECT, related_name="+")
    # The date the finding gave (the notice of assignment's intended date) and how it was to go.
    intended_on = models.DateField()
    intended_sent_by = models.CharField(max_length=16, choices=SentBy.choices, blank=True)
    mailing_date = models.DateField(null=True, blank=True, help_text="The date it prints.")
    sent_by = models.CharField(
        max_length=16,
        choices=SentBy.choices,
        blank=True,
        help_text="How it was served; blank until served, or when not sent from here.",
    )
    served_on = models.DateField(null=True, blank=True, help_text="The date of service.")
    pdf = models.FileField(
        storage=private_storage, upload_to="notices/", max_length=300, blank=True
    )
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "version"], name="notice_version_once"),
            # One notice per finding: the task and a retry can never make a second.
            models.UniqueConstraint(fields=["event", "kind"], name="notice_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} v{self.version}"


class NoticeDelivery(ServedCopy):
    """One recipient's copy of a notice, served as the letter's copies are (LetterDelivery):
    by e-mail, by postal mail through the print queue, or held until the party has an address."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    batch = models.ForeignKey(
        PrintBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="notice_mailings"
    )

    class Meta(ServedCopy.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "recipient_role"], name="notice_delivery_once_per_recipient"
            )
        ]
        # The print queue's two lists (waiting to be printed, held for an address) read the few
        # copies not yet gone out among every copy ever served.
        indexes = [
            models.Index(
                fields=["status"],
                name="notice_delivery_open",
                condition=models.Q(status__in=[DeliveryStatus.TO_PRINT, DeliveryStatus.NO_ADDRESS]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} to {self.recipient_role}"

    @property
    def document(self) -> Notice:
        return self.notice


class ProofOfService(models.Model):
    """The signed proof of service of one served copy (CCP 1013a(3) by mail; CCP 1013b
    electronically), rendered by the letter's pipeline and stored with the SHA-256 of the signed
    bytes, never rendered again. A mailed copy's proof is made by its print batch for the date it
    declares; posted on another date, that proof is superseded (kept) by one for the real date."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proofs_of_service")
    letter_delivery = models.ForeignKey(
        LetterDelivery, null=True, blank=True, on_delete=models.PROTECT, related_name="proofs"
    )
    notice_delivery = models.ForeignKey(
        NoticeDelivery, null=True, blank=True, on_delete=models.PROTECT, related_name="proofs"
    )
    method = models.CharField(max_length=8, choices=DeliveryMethod.choices)
    served_on = models.DateField(help_text="The date of service it declares.")
    declarant = models.CharField(max_length=200)
    batch = models.ForeignKey(
        PrintBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="proofs"
    )
    pdf = models.FileField(storage=private_storage, upload_to="proofs/", max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    signed_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(letter_delivery__isnull=True)
                ^ models.Q(notice_delivery__isnull=True),
                name="proof_of_one_copy",
            ),
            # One proof in force per copy and date: a retried task never signs a second. A
            # voided one (the copy taken out of its batch after an address change) is kept and
            # a reprint for the same date gets its own.
            models.UniqueConstraint(
                fields=["letter_delivery", "served_on"],
                condition=models.Q(superseded_at=None),
                name="proof_once_per_letter_copy_date",
            ),
            models.UniqueConstraint(
                fields=["notice_delivery", "served_on"],
                condition=models.Q(superseded_at=None),
                name="proof_once_per_notice_copy_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Proof of service of {self.delivery}"

    @property
    def delivery(self) -> LetterDelivery | NoticeDelivery:
        return self.letter_delivery or self.notice_delivery


class AdOutboxItem(models.Model):
    """A copy of an issued determination for the Administrative Director, whose determination
    it is (Lab. Code 4610.6); written out by `export_ad_outbox` (the state's intake channel is
    outside this system)."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="ad_outbox")
    created_at = models.DateTimeField(default=timezone.now)
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_as = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"AD copy of {self.letter}"
