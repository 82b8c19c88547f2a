"""Django loads the `cases` app's models from this module; each model lives in its room
(lifecycle, records, reminders, clock, intake, outbox, casefile) and code imports it from
there. The migrations also name `cases.models.private_storage` and
`cases.models.record_upload_to`."""

from cases.casefile.models import SavedView  # noqa: F401
from cases.clock.models import (  # noqa: F401
    CalendarVersion,
    Holiday,
    HolidayCalendar,
)
from cases.intake.models import IntakeDraft, IntakeDraftFile  # noqa: F401
from cases.integrity.models import IntegrityCheckRun, IntegrityFinding  # noqa: F401
from cases.lifecycle.models import (  # noqa: F401
    Case,
    CaseEvent,
    CaseNumberCounter,
    DisputedItem,
    EligibilityFinding,
    Party,
)
from cases.outbox.models import FollowUp  # noqa: F401
from cases.records.models import (  # noqa: F401
    MedicalRecord,
    record_upload_to,
)
from cases.records.storage import PrivateStorage, private_storage  # noqa: F401
from cases.reminders.models import ClockNotice  # noqa: F401
