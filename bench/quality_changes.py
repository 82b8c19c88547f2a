"""Benchmark: marking what a reviewer changed since a return (reviews.quality.changes), which the
quality review page does for the summary and each changed rationale on every view.

    .venv/bin/python bench/quality_changes.py [--repeat 5] [--seed N]

Builds texts shaped as summaries and rationales (sentences of medical words, 2,000, 5,000 and
20,000 characters, the last the longest a text may be), changes them four ways (one sentence
rewritten; one word in a hundred replaced, spread over the text; every sentence touched; a
run-on text with no full stop and one word in a hundred replaced) and times
`TextChange(before, after).marked`, the median of --repeat runs. The floor, measured in the same
run on the same texts, is escaping the text as the page prints it without the marks. No
database is used. Not a test.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")

import django  # noqa: E402

django.setup()

from django.utils.html import escape  # noqa: E402

from reviews.quality.changes import TextChange  # noqa: E402

WORDS = [
    "the",
    "injured",
    "worker",
    "reported",
    "lumbar",
    "pain",
    "radiating",
    "to",
    "the",
    "left",
    "leg",
    "after",
    "lifting",
    "boxes",
    "physical",
    "therapy",
    "medication",
    "and",
    "a",
    "prior",
    "block",
    "gave",
    "relief",
    "for",
    "two",
    "weeks",
    "guidelines",
    "support",
    "repeat",
    "blocks",
    "only",
    "with",
    "documented",
    "lasting",
    "functional",
    "improvement",
    "records",
    "request",
    "epidural",
    "steroid",
    "injection",
    "magnetic",
    "resonance",
    "imaging",
    "showed",
    "stenosis",
]


def text_of(length: int, rng: random.Random, *, stops: bool = True) -> str:
    sentences = []
    total = 0
    while total < length:
        words = [rng.choice(WORDS) for _ in range(rng.randrange(8, 25))]
        sentence = " ".join(words).capitalize() + ("." if stops else "")
        sentences.append(sentence)
        total += len(sentence) + 1
    return " ".join(sentences)[:length]


def words_replaced(text: str, rng: random.Random, share: float) -> str:
    words = text.split(" ")
    for index in rng.sample(range(len(words)), max(1, int(len(words) * share))):
        words[index] = "changed"
    return " ".join(words)


def one_sentence_rewritten(text: str) -> str:
    middle = text.find(". ", len(text) // 2)
    return text[: middle + 2] + "A sentence written anew for the return. " + text[middle + 2 :]


def every_sentence_touched(text: str) -> str:
    return text.replace(". ", ", now. ")


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"{'text':>8} {'change':<28} {'marked ms':>10} {'floor ms':>9} {'x floor':>8}")
    worst = 0.0
    for length in (2_000, 5_000, 20_000):
        before = text_of(length, rng)
        run_on = text_of(length, rng, stops=False)
        cases = (
            ("one sentence rewritten", before, one_sentence_rewritten(before)),
            ("1% of words, spread", before, words_replaced(before, rng, 0.01)),
            ("every sentence touched", before, every_sentence_touched(before)),
            ("run-on, 1% of words", run_on, words_replaced(run_on, rng, 0.01)),
        )
        for name, was, now in cases:
            marked = timed(lambda was=was, now=now: TextChange(was, now).marked, args.repeat)
            floor = timed(lambda now=now: escape(now), args.repeat)
            worst = max(worst, marked)
            print(f"{length:>8,} {name:<28} {marked:>10.2f} {floor:>9.3f} {marked / floor:>8.0f}")
    print(f"slowest marking: {worst:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
