"""Django loads the `reviews` app's models from this module; each model lives in its room
(roster, assignment, precedents, determination, organization, letters, reports) and code imports it
from there."""

from reviews.assignment.models import Assignment, CaseConflict  # noqa: F401
from reviews.determination.models import (  # noqa: F401
    ConsistencyFlag,
    Determination,
    GuidelineSource,
    ItemComment,
    ItemDecision,
    QualityReview,
)
from reviews.letters.models import (  # noqa: F401
    Letter,
    LetterDelivery,
    LetterText,
    Notice,
    NoticeDelivery,
)
from reviews.organization.models import Organization  # noqa: F401
from reviews.precedents.models import PrecedentDecision, PrecedentItem  # noqa: F401
from reviews.reports.models import ReportRun  # noqa: F401
from reviews.roster.models import (  # noqa: F401
    Affiliation,
    CategorySpecialty,
    LeavePeriod,
    Licence,
    ReviewerProfile,
    Specialty,
)
