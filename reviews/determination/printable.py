"""What the letter's typeface can print. The letter is set in one typeface
(static/letters/letter.css); a character it has no glyph for is drawn by whatever font the
renderer's machine finds, or as an empty box (from QA: an emoji typed in a summary reached
quality review without a word). The review step warns of such characters in the texts the
reviewer writes (warnings.py)."""

from __future__ import annotations

import functools
import unicodedata

from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

# The face the reviewer's texts are printed in (letter.css's regular @font-face rule; the bold
# face sets the headings, none of the reviewer's words).
LETTER_FACE = "fonts/DejaVuSerifCondensed.ttf"


@functools.cache
def _printable() -> frozenset[int]:
    """The code points the letter's face has a glyph for (read once a process)."""
    return frozenset(TTFont(finders.find(LETTER_FACE), lazy=True).getBestCmap())


def _unseen(character: str) -> bool:
    """Nothing to print: spaces, line breaks, controls and format characters (a zero-width
    joiner), and the variation selectors an emoji carries."""
    return (
        character.isspace()
        or unicodedata.category(character) in ("Cc", "Cf")
        or "\ufe00" <= character <= "\ufe0f"
    )


def unprintable(text: str) -> list[str]:
    """The characters of `text` the letter's typeface cannot print, each once, in order."""
    printable = _printable()
    return list(
        dict.fromkeys(
            character
            for character in text or ""
            if ord(character) not in printable and not _unseen(character)
        )
    )


def characters_named(characters: list[str]) -> str:
    """“😀” (U+1F600), … as a warning quotes them."""
    return ", ".join(f"“{character}” (U+{ord(character):04X})" for character in characters)
