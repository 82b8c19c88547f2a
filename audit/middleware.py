"""One audit row per request to a route that reads or changes medical information
(audit.routes), written after the view answered, with the answer's status code. A view cannot
forget: the rule comes from the URL, not from the view."""

from __future__ import annotations

from audit.models import AuditAction
from audit.routes import Audited, route_rule
from audit.services import audit_record_each, query_params

_READ_METHODS = ("GET", "HEAD")


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None:
            # Nothing resolved (a 404 for an unknown path, a static file): no object was read.
            return response
        rule = route_rule(match.view_name)
        if not isinstance(rule, Audited):
            return response
        reading = request.method in _READ_METHODS
        action = rule.read if reading else AuditAction.CHANGE
        if action is None:
            return response
        details = {}
        if request.GET:
            details["query"] = query_params(request)
        if match.namespace == "admin":
            details["page"] = match.url_name
        details.update(getattr(request, "_audit_notes", {}))
        case_number = match.kwargs.get("case_number", "") or getattr(
            request, "_audit_case_number", ""
        )
        case_numbers = [case_number]
        read_together = getattr(request, "_audit_cases", None)
        if not case_number and read_together:
            # One file holding several cases (a print batch): one event for each case.
            case_numbers = read_together
            details["cases_in_file"] = len(read_together)
        elif not case_number:
            answered = _case_numbers_answered(response)
            if len(answered) == 1:
                case_numbers = answered
            elif answered:
                details["case_numbers"] = answered
        audit_record_each(
            request,
            action,
            case_numbers=case_numbers,
            kind=rule.kind_for(match.kwargs),
            object_id=match.kwargs.get(rule.object_arg, "") if rule.object_arg else "",
            status_code=response.status_code,
            details=details,
        )
        return response


def _case_numbers_answered(response) -> list[str]:
    """The cases an API write created, from its answer (`{"case_number": ...}` or a list)."""
    data = getattr(response, "data", None)
    rows = data if isinstance(data, list) else [data]
    return [
        str(row["case_number"]) for row in rows if isinstance(row, dict) and row.get("case_number")
    ]
