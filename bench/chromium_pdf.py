"""Headless Chromium (Debian's chromium via Playwright's page.pdf), the common alternative to
WeasyPrint, and CPU/RSS readings of process trees from /proc. Used by bench/letters.py."""

import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Never `playwright install`: Debian's chromium, with nothing that reaches the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The letter's stylesheet and fonts are files: let a file page read them.
    "--allow-file-access-from-files",
]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # Fields after the name: state(0) ppid(1) ... utime(11) stime(12)
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                children.setdefault(stat[1], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            found.append(child)
            todo.append(child)
    return found


def chromium_cpu_seconds() -> float:
    """CPU time used so far by every Chromium process started under this one."""
    total = 0.0
    for pid in descendants(os.getpid()):
        stat = _stat(pid)
        if stat is not None and "chrom" in stat[0]:
            total += stat[2]
    return total


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class ChromiumPrinter:
    """One browser and page, kept open; `pdf(html)` loads the HTML and prints it (US Letter,
    the stylesheet's @page rules)."""

    def __init__(self, base_page: Path):
        self.base_page = base_page

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self.base_page.write_text("<!doctype html><title>blank</title>")
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        self.page = self.browser.new_page()
        # The page's origin is a file, so the letter's file:// stylesheet and fonts load.
        self.page.goto(self.base_page.as_uri())
        return self

    def pdf(self, html: str) -> bytes:
        self.page.set_content(html, wait_until="load")
        return self.page.pdf(format="Letter", prefer_css_page_size=True, print_background=True)

    def __exit__(self, *exc):
        self.browser.close()
        self._playwright.stop()
        self.base_page.unlink(missing_ok=True)
