"""Checking a letter or notice someone holds (SPEC section 6): signature valid, issued by us,
not superseded. A notice is signed with the same certificate (from QA: our own notice of
assignment was answered "does not match any letter we issued")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from reviews.letters.models import Letter, LetterStatus, Notice
from reviews.letters.render import letter_date
from reviews.letters.signing import pdf_signature_check

# --- Verification (SPEC section 6: anyone holding a letter can check it) -------------------


@dataclass
class VerifyResult:
    signature_valid: bool
    intact: bool
    trusted: bool
    issued_by_us: bool
    letter: Letter | None = None
    notice: Notice | None = None
    public: bool = False
    superseded_by: Letter | Notice | None = None
    message: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def document(self) -> Letter | Notice | None:
        return self.letter or self.notice

    @property
    def document_name(self) -> str:
        if self.notice is not None:
            return self.notice.get_kind_display()
        return "Final Determination Letter"

    @property
    def ok(self) -> bool:
        """Valid, ours, and the current version."""
        return self.signature_valid and self.issued_by_us and self.superseded_by is None


def letter_verify(pdf: bytes) -> VerifyResult:
    """Is this a valid letter we signed and issued, and is it still the current version?"""

    check = pdf_signature_check(pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    letter = (
        Letter.objects.select_related("case")
        .filter(Q(party_sha256=digest) | Q(public_sha256=digest))
        .first()
    )
    notice = None
    if letter is None:
        notice = Notice.objects.select_related("case").filter(sha256=digest).first()
    result = VerifyResult(
        signature_valid=check.ok,
        intact=check.intact,
        trusted=check.trusted,
        issued_by_us=letter is not None or notice is not None,
        letter=letter,
        notice=notice,
        public=letter is not None and letter.public_sha256 == digest,
    )
    if check.problem:
        result.problems.append(check.problem)
    document = letter or notice
    if document is None:
        result.problems.append("It does not match any letter or notice we issued.")
    else:
        # A later version of the same document (a notice: of the same kind), signed.
        later = type(document).objects.filter(case=document.case, version__gt=document.version)
        if notice is not None:
            later = later.filter(kind=notice.kind)
        result.superseded_by = (
            later.filter(status__in=[LetterStatus.SIGNED, LetterStatus.DELIVERED])
            .order_by("-version")
            .first()
        )
        if result.superseded_by is not None:
            result.problems.append(
                f"Version {document.version} was superseded by version "
                f"{result.superseded_by.version} signed "
                f"{letter_date(timezone.localdate(result.superseded_by.signed_at))}."
            )
    if result.ok and notice is not None:
        result.message = (
            f"Valid: the {notice.get_kind_display()} (version {notice.version}) for case "
            f"{notice.case.case_number}, signed by us on "
            f"{letter_date(timezone.localdate(notice.signed_at))}, and the current version."
        )
    elif result.ok:
        which = "public" if result.public else "party"
        result.message = (
            f"Valid: the {which} version {letter.version} of the Final Determination Letter for "
            f"case {letter.case.case_number}, signed by us on "
            f"{letter_date(timezone.localdate(letter.signed_at))}, and the current version."
        )
    else:
        result.message = "Not verified: " + " ".join(result.problems)
    return result
