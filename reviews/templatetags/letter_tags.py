"""Template helpers of the letter: the case page's letter panel, and the filter that prints
user text in the letter."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reviews.determination.drafting import PLACEHOLDER
from reviews.letters.views import letters_panel_context

register = template.Library()

# A compound like "case-by-case", "103-104" or "foot/ankle": a line break after its hyphen or
# slash would make text extraction (pdftotext) join or split it, so a WORD JOINER (U+2060:
# invisible, not extracted, no extra box to lay out) holds it together. Very long compounds
# may still break, so nothing can run off the page. A match starts only where a word starts
# and never gives back what it took (possessive): on a long run of letters without a hyphen
# the plain pattern backtracked at every position, quadratic (40,000 letters took 77 s and
# held the process).
_COMPOUND = re.compile(r"(?<!\w)\w++(?:[-/]\w++)+")
_COMPOUND_MAX = 40
WORD_JOINER = "\u2060"


def _unbreakable_compounds(escaped: str) -> str:
    def join(match: re.Match) -> str:
        word = match.group(0)
        if len(word) > _COMPOUND_MAX:
            return word
        return word.replace("-", "-" + WORD_JOINER).replace("/", "/" + WORD_JOINER)

    return _COMPOUND.sub(join, escaped)


@register.filter
def letter_text(value) -> str:
    """User text for the letter: escaped (it can never become markup or a URL the renderer
    fetches), compounds kept whole, line breaks kept."""
    text = _unbreakable_compounds(escape(str(value or "").strip()))
    return mark_safe(re.sub(r"\r?\n", "<br>", text))


@register.filter
def letter_paragraphs(value) -> str:
    """Like letter_text, with blank lines starting new paragraphs."""
    text = str(value or "").strip().replace("\r\n", "\n")
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    return mark_safe("".join(f"<p>{letter_text(part)}</p>" for part in paragraphs))


@register.filter
def placeholders_marked(html, preview: bool = False) -> str:
    """In the reviewer's preview, each starter prompt's blank ("…") stands out so it is seen
    before signing (submission refuses it). `html` is already escaped by letter_text."""
    if not preview:
        return html
    return mark_safe(
        PLACEHOLDER.sub(
            lambda m: (
                f'<mark class="placeholder" title="Complete this sentence">{m.group(0)}</mark>'
            ),
            str(html),
        )
    )


@register.inclusion_tag("letters/partials/case_letters.html", takes_context=True)
def case_letters_panel(context, case):
    return letters_panel_context(context["request"], case) | {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
