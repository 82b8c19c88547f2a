"""The filters that print an organization's or a reviewer's text in a letter."""

import signal

from reviews.templatetags.letter_tags import WORD_JOINER, letter_paragraphs


def test_compounds_are_kept_whole_and_long_words_print_as_typed():
    html = letter_paragraphs("A case-by-case review, L4-L5 and foot/ankle.\n\nNext.")
    assert f"case-{WORD_JOINER}by-{WORD_JOINER}case" in html
    assert f"foot/{WORD_JOINER}ankle" in html
    assert html.endswith("<p>Next.</p>")


def test_a_very_long_word_does_not_hold_the_server():
    """From a QA pass: a paragraph of 300,000 letters with no hyphen held the process that
    printed it (the compound pattern backtracked at every position: 40,000 letters took 77 s),
    and with it every page that process served. The guard only stops a hang: it now prints in
    milliseconds."""

    def hung(signum, frame):
        raise AssertionError("printing a long word did not finish")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        html = letter_paragraphs("W" * 300_000 + " and " + "ab-" * 50_000)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert html.startswith("<p>" + "W" * 300_000 + " and ")
