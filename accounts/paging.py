"""A page of a list without counting the list: one row more than a page is read to know whether
there is a next page. Counting every row (`COUNT(*)`) on every list page cost 17-21 ms of the
case list's 40 ms at 200,000 cases and grew with the table (issue 12); the pages say "Page 3"
with previous and next links instead of "Page 3 of 8,001"."""

from __future__ import annotations

# The last page number a link may ask for: far past any list, and its offset still one the
# database takes (a number in the digits made an OFFSET out of range: an error, not a page).
LAST_PAGE = 1_000_000


class LookaheadPage:
    """Quacks like the parts of Django's Page the templates use (object_list, number,
    has_previous/has_next and their page numbers, iteration, len)."""

    def __init__(self, queryset, per_page: int, number) -> None:
        asked = number
        # What the page says when it shows the first page instead of the one asked for (from
        # QA: "?page=999" of an old link showed page 1 without a word).
        self.fallback_note = ""
        try:
            number = int(number)
        except (TypeError, ValueError):
            if asked not in (None, ""):
                self.fallback_note = f"“{str(asked)[:20]}” is no page number: this is page 1."
            number = 1
        if number < 1:
            self.fallback_note = f"There is no page {number}: this is page 1."
        self.number = min(max(1, number), LAST_PAGE)
        self.per_page = per_page
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        # A page past the end (a stale link) shows the first page rather than nothing.
        if not rows and self.number > 1:
            self.fallback_note = (
                f"There is no page {self.number} of this list (it is shorter now, or the link "
                "is old): this is page 1."
            )
            self.number = 1
            rows = list(queryset[: per_page + 1])
        self._has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.start_index = (self.number - 1) * per_page + 1 if self.object_list else 0
        self.end_index = self.start_index + len(self.object_list) - 1 if self.object_list else 0

    @property
    def total(self) -> int | None:
        """How many rows the whole list has, when this page shows it (the last page); None
        while there are more pages, as no count was made."""
        return None if self._has_next else self.end_index

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
