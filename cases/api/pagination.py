"""The API's lists: limit and offset paging, checked and clamped."""

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination

from cases.intake.validation import IntakeInvalid
from cases.jsoncheck import JsonError


class ClampedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=` and `?offset=` must be whole numbers (a 400 names the one that is not); a
    huge number is clamped to API_MAX_PAGE_SIZE or API_MAX_OFFSET: unclamped, it would reach
    the database as an integer too large for it (a 500)."""

    max_limit = settings.API_MAX_PAGE_SIZE

    def get_limit(self, request) -> int:
        limit = _whole_number(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request) -> int:
        offset = _whole_number(request, self.offset_query_param, minimum=0)
        return 0 if offset is None else min(offset, settings.API_MAX_OFFSET)


def _whole_number(request, name: str, *, minimum: int) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or int(value) < minimum:
        raise IntakeInvalid(
            [JsonError(f"?{name}", f"must be a whole number from {minimum}, not {value!r}")]
        )
    return int(value)
