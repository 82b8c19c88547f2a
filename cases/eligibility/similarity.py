"""Is this the same treatment, reworded? Descriptions of disputed items are normalized to tokens
(lowercase, punctuation gone, stop words dropped, common abbreviations spelled out, the side
kept) and compared with the standard library's difflib and a set overlap, so it runs on SQLite
and PostgreSQL alike."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

# Abbreviations as reviewers and UR letters write them, to the words they stand for. Multi-word
# expansions are split again, so "mri" and "magnetic resonance imaging" give the same tokens.
ABBREVIATIONS = {
    "mri": "magnetic resonance imaging",
    "mra": "magnetic resonance angiography",
    "ct": "computed tomography",
    "cat": "computed tomography",
    "pt": "physical therapy",
    "ot": "occupational therapy",
    "emg": "electromyography",
    "ncv": "nerve conduction velocity",
    "ncs": "nerve conduction study",
    "tens": "transcutaneous electrical nerve stimulation",
    "esi": "epidural steroid injection",
    "frp": "functional restoration program",
    "dme": "durable medical equipment",
    "rt": "right",
    "r": "right",
    "lt": "left",
    "l": "left",
    "bilat": "bilateral",
    "b": "bilateral",
    "w": "with",
    "wo": "without",
    "w/o": "without",
    "w/": "with",
    "x": "times",
    "inj": "injection",
    "eval": "evaluation",
    "lumb": "lumbar",
    "cerv": "cervical",
    "bil": "bilateral",
    "sx": "surgery",
    "tx": "treatment",
    "rx": "prescription",
    "mg": "milligram",
    "wk": "week",
    "wks": "week",
    "visits": "visit",
    "sessions": "visit",
    "session": "visit",
}
# Words that carry no meaning of their own here. "without"/"with", the side and the numbers are
# kept: contrast or not, right or left, and how many visits make a different treatment.
STOP_WORDS = frozenset(
    {
        *("a", "an", "and", "the", "of", "for", "to", "on", "in", "at", "by", "as", "per"),
        *("or", "is", "are", "be", "this", "that", "these", "those", "please", "times"),
        *("request", "requested", "requesting", "recommended"),
    }
)
_WORD = re.compile(r"w/o|w/|[0-9]+(?:\.[0-9]+)?|[a-z]+")
# Words that make a different treatment however alike the rest is: another side of the body,
# with or without contrast. When both descriptions name one of a group and they differ, the
# treatments differ.
DISTINGUISHING = (frozenset({"right", "left", "bilateral"}), frozenset({"with", "without"}))


def treatment_tokens(text: str) -> list[str]:
    """The description's words, normalized, in order."""
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        for part in ABBREVIATIONS.get(word, word).split():
            if part not in STOP_WORDS:
                tokens.append(part)
    return tokens


def treatment_similarity(first: str, second: str) -> float:
    """0 (nothing alike) to 1 (the same treatment in other words): the larger of the sequence
    ratio of the token strings and the Jaccard overlap of the token sets."""
    a, b = treatment_tokens(first), treatment_tokens(second)
    if not a or not b:
        return 0.0
    for group in DISTINGUISHING:
        named_a, named_b = group.intersection(a), group.intersection(b)
        if named_a and named_b and named_a != named_b:
            return 0.0
    sequence = SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    overlap = len(set(a) & set(b)) / len(set(a) | set(b))
    return round(max(sequence, overlap), 2)
