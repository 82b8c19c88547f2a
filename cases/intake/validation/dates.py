"""The dates of an application and how its papers were served: the notice of assignment's
date under either key, the method of service with a hint for the words senders use, and the
order the dates must keep."""

from __future__ import annotations

import json

from cases.intake.validation.base import IntakeCheckerBase
from cases.intake.validation.keys import CASE_REQUIRED
from cases.jsoncheck import key_path
from cases.lifecycle.models import ServedBy

# Words senders use for a method of service, only to hint at the right value; the values
# themselves are the vocabulary of ServedBy and SentBy.
_SERVICE_WORDS = {
    "email": ServedBy.ELECTRONIC,
    "e-mail": ServedBy.ELECTRONIC,
    "hand": ServedBy.PERSONAL,
    "in person": ServedBy.PERSONAL,
    "post": ServedBy.MAIL,
    "postal": ServedBy.MAIL,
    "us mail": ServedBy.MAIL,
}


class DateChecks(IntakeCheckerBase):
    """The case's dates and methods of service."""

    def notice_date(self, raw: dict, data: dict, path: str) -> str | None:
        """The notice of assignment's date, given as notice_sent_on or as date_assigned (the
        letter's Date Assigned: SPEC section 7 takes both for the same date), into
        data["date_assigned"]. Returns the key the date was given by (None: not given)."""
        notice_on = self.date(raw, "notice_sent_on", path)
        assigned = data["date_assigned"]
        if notice_on and assigned and notice_on != assigned:
            self.error(
                f"{path}.notice_sent_on",
                f"{notice_on} differs from {path}.date_assigned ({assigned}); both are the "
                "notice of assignment's date: give one of them, or the same date in both",
            )
        if notice_on and not assigned:
            data["date_assigned"] = notice_on
        for key in ("date_assigned", "notice_sent_on"):
            if raw.get(key) not in (None, ""):
                return key
        return None

    def service_method(self, raw: dict, key: str, path: str, choices, *, what: str):
        """One of `choices`, optional; a word senders use for one of them gets that as the
        hint ("email" is electronic service, not a misspelt "mail")."""
        value = raw.get(key)
        hint = _SERVICE_WORDS.get(value.strip().lower()) if isinstance(value, str) else None
        if hint in choices:
            self.error(
                key_path(path, key),
                f"{json.dumps(value)} is not {what} (did you mean '{hint}'?)",
                choices,
            )
            return None
        return self.choice(raw, key, path, choices, required=key in CASE_REQUIRED, what=what)

    def case_dates(self, data: dict, path: str, *, notice_key: str | None) -> None:
        injury, ur = data["date_of_injury"], data["ur_decision_date"]
        received, assigned = data["application_received"], data["date_assigned"]
        served = data["ur_decision_served_on"]
        if ur and received and received < ur:
            self.error(
                f"{path}.application_received",
                f"the application ({received}) cannot be received before the UR decision ({ur})",
            )
        if injury and ur and injury > ur:
            self.error(
                f"{path}.date_of_injury",
                f"the injury ({injury}) cannot be after the UR decision ({ur})",
            )
        elif injury and received and not ur and injury > received:
            self.error(
                f"{path}.date_of_injury",
                f"the injury ({injury}) cannot be after the application ({received})",
            )
        if served and ur and served < ur:
            self.error(
                f"{path}.ur_decision_served_on",
                f"the UR decision cannot be served ({served}) before it was made ({ur})",
            )
        if assigned and received and assigned < received:
            self.error(
                f"{path}.{notice_key}",
                f"the notice of assignment ({assigned}) cannot precede the application "
                f"({received})",
            )
