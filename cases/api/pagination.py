"""The API's lists: limit and offset paging, clamped."""

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination


class ClampedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=` and `?offset=` as DRF reads them (a value that is not a whole number falls back
    to the default), but a huge number is clamped: unclamped, it reaches the database as an
    integer too large for it (a 500)."""

    max_limit = settings.API_MAX_PAGE_SIZE

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), settings.API_MAX_OFFSET)
