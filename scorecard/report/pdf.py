"""Print the committee report with headless Chromium (Debian's `chromium` package).

`html_to_pdf` prints an HTML file to PDF (the page's own `@page` size: A4 landscape for the
committee report), in a browser started for that print or in one `open_browser` started for
several (driven over Chromium's DevTools pipe, `devtools.py`); `html_screenshot` takes a PNG of
its first screen. Every browser has a throw-away profile and everything that could call out
switched off: no
background networking, component updates, sync, QUIC or extensions, and every host name resolves
to nothing, so even a stray URL in a page cannot reach the internet.

Chromium is found as `$SCORECARD_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH;
without one a `ChromiumNotFound` error says how to install it.

`destination_pages` reads back on which page each named destination of a printed PDF lies
(Chromium writes one for every element an internal link points to) with poppler's `pdfinfo`;
the committee report numbers its contents from them (`committee.print_committee_pdf`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from scorecard.errors import ScorecardError
from scorecard.report.devtools import Browser, ChromiumFailed, failure_detail, profile_env

CHROMIUM_ENV = "SCORECARD_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser")
DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = ("install Debian's chromium (apt-get install chromium poppler-utils) or set "
                f"{CHROMIUM_ENV} to a Chromium or Chrome executable")
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    "--mute-audio",
    "--hide-scrollbars",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


class PrintToolNotFound(ScorecardError):
    """A program needed to print the report (Chromium, poppler's pdfinfo) is missing."""


class ChromiumNotFound(PrintToolNotFound):
    """No headless Chromium to print the report with."""


class PopplerNotFound(PrintToolNotFound):
    """No poppler `pdfinfo` to read a printed PDF's page numbers with."""


def find_chromium() -> str:
    """The Chromium executable: $SCORECARD_CHROMIUM, else chromium / chromium-browser."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        found = shutil.which(configured)
        if not found:
            raise ChromiumNotFound(f"{CHROMIUM_ENV}={configured} is not an executable: "
                                   f"{INSTALL_HINT}")
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumNotFound(f"headless Chromium is needed to print the report and was not found "
                           f"on the PATH: {INSTALL_HINT}")


def _run_chromium(args: list[str], url: str, out: Path, timeout: float) -> float:
    """Run one headless Chromium in its own session with a fresh profile; returns seconds."""
    executable = find_chromium()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scorecard-chromium-") as profile:
        command = [executable, *OFFLINE_FLAGS, f"--user-data-dir={profile}",
                   f"--crash-dumps-dir={profile}", *args, url]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, env=profile_env(profile),
                                   start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the browser and the helpers it started
            process.communicate()
            raise ChromiumFailed(f"Chromium did not finish {out.name} within {timeout:.0f} s") from None
        finally:
            try:  # helpers that outlive the browser process
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if process.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise ChromiumFailed(f"Chromium (exit {process.returncode}) did not write {out}"
                             + failure_detail(stderr))
    return time.monotonic() - started


def _target(out: Path) -> tuple[Path, Path]:
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp{out.suffix}")
    tmp.unlink(missing_ok=True)
    return out, tmp


def open_browser(timeout: float = DEFAULT_TIMEOUT) -> Browser:
    """A headless Chromium for several prints (`html_to_pdf(..., browser=)`), started now: its
    start overlaps what the caller does before the first print. Close it, or use it in `with`."""
    return Browser(find_chromium(), OFFLINE_FLAGS, timeout)


def html_to_pdf(html: Path, pdf: Path, timeout: float = DEFAULT_TIMEOUT,
                browser: Browser | None = None) -> Path:
    """Print `html` to `pdf` with headless Chromium (paper size from the page's CSS, no browser
    header or footer); returns the PDF's path. In `browser` if given, else in a browser started
    for this print. Written to a temporary file and moved into place, so a failed print leaves
    no partial PDF."""
    html = Path(html).resolve()
    if not html.is_file():
        raise ScorecardError(f"{html}: no such HTML file to print")
    if browser is None:
        with open_browser(timeout) as own:
            return html_to_pdf(html, pdf, timeout, own)
    pdf, tmp = _target(pdf)
    try:
        printed = browser.print_to_pdf(html.as_uri())
        if not printed.startswith(b"%PDF-"):
            raise ChromiumFailed(f"Chromium printed {pdf.name}, but not as a PDF")
        tmp.write_bytes(printed)
        os.replace(tmp, pdf)
    finally:
        tmp.unlink(missing_ok=True)
    return pdf


def html_screenshot(html: Path, png: Path, width: int = 1400, height: int = 1000,
                    timeout: float = DEFAULT_TIMEOUT) -> Path:
    """A PNG of the first `width` × `height` CSS pixels of `html` as a screen shows it."""
    html = Path(html).resolve()
    if not html.is_file():
        raise ScorecardError(f"{html}: no such HTML file to show")
    png, tmp = _target(png)
    try:
        _run_chromium([f"--window-size={width},{height}", "--force-device-scale-factor=1",
                       f"--screenshot={tmp}"], html.as_uri(), tmp, timeout)
        os.replace(tmp, png)
    finally:
        tmp.unlink(missing_ok=True)
    return png


_DESTINATION = re.compile(r'^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$')


def destination_pages(pdf: Path, timeout: float = 60.0) -> dict[str, int]:
    """{name: page number (1-based)} for every named destination in `pdf`, from poppler's
    `pdfinfo -dests`. A Chromium print has one per element (by its id) that a `#` link of the
    page points to."""
    pdfinfo = shutil.which("pdfinfo")
    if not pdfinfo:
        raise PopplerNotFound("poppler's pdfinfo is needed to number the printed report's "
                              "contents and was not found on the PATH: install Debian's "
                              "poppler-utils (apt-get install poppler-utils)")
    try:
        result = subprocess.run([pdfinfo, "-dests", str(pdf)], capture_output=True,
                                timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ScorecardError(f"pdfinfo did not read {Path(pdf).name} within {timeout:.0f} s") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ScorecardError(f"pdfinfo could not read {pdf} (exit {result.returncode})"
                             + (f": {detail[-1]}" if detail else ""))
    pages: dict[str, int] = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        match = _DESTINATION.match(line)
        if match:
            pages[match.group(2)] = int(match.group(1))
    return pages
