"""Reading a record's PDF without trusting it: the check on upload (is it a PDF, readable, not
encrypted, within the page limit) and the page count, which runs in a child process with a memory
and a time limit (pagecount.py) because a small file can describe a huge page tree.

The upload check reads only the document's structure: its header, its trailer and the page tree's
first branch with the page total it declares. It never walks every page (that is the count's work,
bounded, on the `records` queue): a 12 MB PDF of 100,000 pages is refused here in about a second."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from cases.records import pagecount

PDF_HEADER = b"%PDF-"
# A page tree deeper than this is not a document anyone made; the walk stops there.
PAGE_TREE_MAX_DEPTH = 64
PAGECOUNT_SCRIPT = Path(pagecount.__file__)


def _first_page(pages: DictionaryObject) -> DictionaryObject | None:
    """The first leaf of the page tree, following the first kid of each branch."""
    node = pages
    for _ in range(PAGE_TREE_MAX_DEPTH):
        if node.get("/Type") == "/Page":
            return node
        kids = node.get("/Kids")
        if kids is None:
            return None
        kids = kids.get_object()
        if not kids:
            return None
        node = kids[0].get_object()
        if not isinstance(node, DictionaryObject):
            return None
    return None


def pdf_problem(handle: BinaryIO, *, max_pages: int) -> str | None:
    """What is wrong with this file as a medical record, in words for the sender, or None."""
    handle.seek(0)
    head = handle.read(len(PDF_HEADER))
    handle.seek(0)
    # PDF readers look for the header anywhere in the first 1,024 bytes, which lets an HTML page
    # carry a PDF after its own markup (a polyglot). A record must be a PDF from its first byte.
    if head != PDF_HEADER:
        return "this is not a PDF file (a PDF begins with “%PDF-”; only PDFs are accepted)."
    try:
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted:
            # Even with an empty user password: the file could not be read, hashed for what it
            # says, or shown to the reviewer without the key.
            return "the PDF is encrypted (password-protected); send it without the protection."
        pages = reader.trailer["/Root"].get_object()["/Pages"].get_object()
        declared = pages.get("/Count")
        first = _first_page(pages)
    # pypdf raises many kinds of error on a damaged file (its own, KeyError, ValueError,
    # RecursionError, ...): every one of them means the same thing here.
    except Exception:
        return "the PDF is damaged: its structure could not be read."
    finally:
        handle.seek(0)
    if not isinstance(declared, int) or declared <= 0 or first is None:
        return "the PDF is damaged or empty: no page could be found in it."
    if declared > max_pages:
        return f"the PDF has {declared:,} pages; the limit is {max_pages:,} pages a record."
    return None


@dataclass(frozen=True)
class PageCount:
    """The outcome of counting: the pages, or why they could not be counted."""

    pages: int | None
    problem: str = ""


def pdf_page_count(path: Path, *, max_pages: int, memory_bytes: int, seconds: float) -> PageCount:
    """Count the pages of a stored PDF in a child process limited to `memory_bytes` of address
    space and `seconds` of time, so one hostile file cannot hold a worker or its memory."""
    command = [sys.executable, "-I", str(PAGECOUNT_SCRIPT), str(path), str(memory_bytes)]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=seconds,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return PageCount(None, f"counting the pages took longer than {seconds:g} seconds.")
    try:
        answer = json.loads(done.stdout.decode() or "{}")
    except ValueError:
        answer = {}
    if done.returncode != 0 or "pages" not in answer:
        if not answer and b"MemoryError" in done.stderr:
            # Out of memory before it could even answer.
            answer = {"problem": pagecount.memory_problem(memory_bytes)}
        return PageCount(None, answer.get("problem") or "the PDF could not be read.")
    pages = answer["pages"]
    if pages <= 0:
        return PageCount(None, "no page could be found in the PDF.")
    if pages > max_pages:
        return PageCount(None, f"the PDF has {pages:,} pages; the limit is {max_pages:,}.")
    return PageCount(pages)
