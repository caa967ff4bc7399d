"""Printing in one Chromium kept open over its DevTools pipe (scorecard/report/devtools.py).

What is expected comes from Chromium's own command line: a print over the pipe must be the page
as `chromium --print-to-pdf --no-pdf-header-footer` prints it, page for page and pixel for
pixel. Chromium that ends at once or never answers must be a clear error that leaves no browser
process, no profile folder and no PDF behind.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from scorecard.report.devtools import ChromiumFailed
from scorecard.report.pdf import OFFLINE_FLAGS, destination_pages, find_chromium, html_to_pdf, open_browser

PAGE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><style>
@page {{ size: A4 landscape; margin: 12mm; }}
h2 {{ break-before: page; color: #0b0c0c; }}
.band {{ background: #1d70b8; color: white; padding: 4mm; }}
</style></head><body>
<nav><a href="#first">First</a> <a href="#second">Second</a></nav>
<h1 class="band">{title}</h1>
<h2 id="first">First section</h2><p>{words}</p>
<h2 id="second">Second section</h2><p>Last words.</p>
</body></html>"""


def _page(folder: Path, name: str, title: str) -> Path:
    path = folder / name
    path.write_text(PAGE.format(title=title, words="Scorecard figures. " * 60), encoding="utf-8")
    return path


def _cli_print(html: Path, pdf: Path, profile: Path) -> Path:
    """The page printed by Chromium's own --print-to-pdf, the reference."""
    subprocess.run([find_chromium(), *OFFLINE_FLAGS, f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
                   check=True, capture_output=True, timeout=120,
                   env={**os.environ, "HOME": str(profile)})
    return pdf


def _rasterised(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "p")], check=True,
                   timeout=120)
    return [p.read_bytes() for p in sorted(folder.iterdir())]


def _info(pdf: Path) -> tuple[str, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    return (re.search(r"Pages:\s+(\d+)", info).group(1),
            re.search(r"Page size:\s+(.*)", info).group(1))


@pytest.mark.browser
def test_two_prints_in_one_browser_are_what_chromiums_command_line_prints(tmp_path):
    one, two = _page(tmp_path, "one.html", "The first page"), _page(tmp_path, "two.html", "Another")
    with open_browser() as browser:
        printed = [html_to_pdf(one, tmp_path / "one.pdf", browser=browser),
                   html_to_pdf(two, tmp_path / "two.pdf", browser=browser)]
    for pdf, html in zip(printed, (one, two)):
        reference = _cli_print(html, tmp_path / f"cli-{html.stem}.pdf", tmp_path / f"p-{html.stem}")
        assert _info(pdf) == _info(reference)
        assert _info(pdf)[0] == "3"  # the title page, then each section on a page of its own
        assert destination_pages(pdf) == destination_pages(reference) == {"first": 2, "second": 3}
        assert _rasterised(pdf, tmp_path / f"px-{html.stem}") == \
            _rasterised(reference, tmp_path / f"px-cli-{html.stem}")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _fake_chromium(folder: Path, body: str) -> Path:
    script = folder / "chromium"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def _profiles() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("scorecard-chromium-*")}


def test_chromium_that_ends_at_once_is_a_clear_error_with_its_own_words(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_CHROMIUM",
                       str(_fake_chromium(tmp_path, 'echo "no display, giving up" >&2; exit 13')))
    html = _page(tmp_path, "one.html", "x")
    before = _profiles()
    with pytest.raises(ChromiumFailed, match=r"Chromium ended before answering "
                                             r"Target\.createTarget \(exit 13\): no display"):
        html_to_pdf(html, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()
    assert _profiles() == before


def test_chromium_that_never_answers_is_stopped_after_the_timeout(tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    monkeypatch.setenv("SCORECARD_CHROMIUM",
                       str(_fake_chromium(tmp_path, f"echo $$ > {pid_file}; exec sleep 60")))
    html = _page(tmp_path, "one.html", "x")
    with pytest.raises(ChromiumFailed, match=r"did not answer Target\.createTarget within 1 s"):
        html_to_pdf(html, tmp_path / "out.pdf", timeout=1)
    with pytest.raises(ProcessLookupError):  # the hung browser was killed, not left behind
        os.kill(int(pid_file.read_text()), 0)
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.browser
def test_a_page_chromium_cannot_load_is_an_error_and_the_browser_still_prints(tmp_path):
    html = _page(tmp_path, "one.html", "x")
    with open_browser() as browser:
        with pytest.raises(ChromiumFailed, match=r"could not load .*gone\.html: "
                                                 r"net::ERR_FILE_NOT_FOUND"):
            browser.print_to_pdf((tmp_path / "gone.html").as_uri())
        assert browser.print_to_pdf(html.as_uri()).startswith(b"%PDF-")
        group = browser._process.pid  # the browser leads a process group of its own
        assert _running_in_group(group)
    assert _running_in_group(group) == []  # closed: the browser and its helpers are gone


def _running_in_group(group: int) -> list[int]:
    """The processes of process group `group` that still run (zombies, which only their
    parent can reap and this container's init may leave a while, do not count)."""
    running = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            running.append(int(stat_file.parent.name))
    return running
