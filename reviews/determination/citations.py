"""How a guideline citation reads (SPEC section 6): the same words in the workspace, quality
review and the letter."""

from __future__ import annotations

from cases.lifecycle.models import CitationKind

# --- The letter's words ---------------------------------------------------------------------

CLAIMS_ADMINISTRATOR = "The Claims Administrator"
EXPERT_REVIEWER = "The Expert Reviewer"


def _sentence(text: str) -> str:
    """End with one period: "Page(s): 103-104" gains one, "... 2004." keeps its own."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def citation_render(kind: str, text: str, *, by: str) -> str:
    """A guideline line by its kind (SPEC section 6); `by` names who decided."""
    if kind == CitationKind.MTUS:
        return _sentence(f"Decision based on {text.strip()}")
    if kind == CitationKind.NON_MTUS:
        return (
            f"{by} based their decision on recommendation(s) outside of the MTUS Guidelines. "
            + _sentence(f"Decision based on Non-MTUS Citation {text.strip()}")
        )
    if kind == CitationKind.NONE:
        # "its" for the reviewer too: the published letters' words (SPEC section 6), kept as
        # they print them, though the Non-MTUS line says "their".
        return f"{by} did not cite any medical evidence for its decision."
    return "Not yet chosen."
