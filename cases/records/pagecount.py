"""Counts the pages of one PDF and prints `{"pages": N}` or `{"problem": "..."}` as JSON.

Run by cases.records.pdfcheck.pdf_page_count as a script in a child process (`python -I`): it
imports nothing of the project, limits its own address space before pypdf reads a byte, and is
killed by its parent when its time runs out. Walking the page tree is what costs: a 12 MB PDF of
100,000 pages needs about 340 MB and 10 s."""

import json
import resource
import sys

from pypdf import PdfReader

RESERVE_BYTES = 4 * 1024 * 1024
NEAR_LIMIT_BYTES = 16 * 1024 * 1024


def memory_problem(memory_bytes: int) -> str:
    return f"counting the pages needs more than the {memory_bytes / 1_048_576:.0f} MB allowed."


def _out_of_memory(error: BaseException) -> bool:
    """Whether a MemoryError is behind this error (as its cause or while it was handled)."""
    seen, pending = set(), [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        pending += [current.__cause__, current.__context__]
    return False


def _peak_near(memory_bytes: int) -> bool:
    """Whether this process's address space came close to the limit. At the limit any
    allocation fails, and pypdf (or an import it makes late) may report that as some other
    error; the peak says what happened."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    peak = int(line.split()[1]) * 1024
                    return peak >= memory_bytes - NEAR_LIMIT_BYTES
    except (OSError, ValueError):
        return False
    return False


def main(path: str, memory_bytes: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # Memory set aside to report with: at the limit, even formatting the answer needs some.
    reserve = bytearray(RESERVE_BYTES)
    try:
        with open(path, "rb") as handle:
            pages = len(PdfReader(handle, strict=False).pages)
    except MemoryError:
        del reserve
        print(json.dumps({"problem": memory_problem(memory_bytes)}))
        return 1
    except Exception as error:  # pypdf wraps a MemoryError in its own PdfReadError
        del reserve
        problem = (
            memory_problem(memory_bytes)
            if _out_of_memory(error) or _peak_near(memory_bytes)
            else "the PDF could not be read."
        )
        print(json.dumps({"problem": problem}))
        return 1
    print(json.dumps({"pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
