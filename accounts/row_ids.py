"""A row's id as a form or a URL sends it, read the same way by every room's views (accounts sits
below them all, so the notifications page reads it as the case and reviewer pages do)."""

from __future__ import annotations

import re

# The longest id a row can have (a 64-bit key has at most 19 digits).
_ROW_ID = re.compile(r"[0-9]{1,18}")


def row_id(text: str | None) -> int | None:
    """A row's id as a form or a URL sends it, or None: only ASCII digits count, so "²", "٣"
    or a 5,000-digit number is no id rather than a server error."""
    return int(text) if isinstance(text, str) and _ROW_ID.fullmatch(text) else None
