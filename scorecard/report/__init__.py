"""The committee report and exports, generated from the published database alone.

- `render_committee_report(published, council_code, period_end, out_dir)`: the HTML report
  (`committee_<council>_<period_end>.html`) in the seed report's structure;
- `print_committee_report(published, council_code, period_end, pdf)`: the same printed to A4
  landscape PDF with headless Chromium, its contents giving each section's page (printed until
  the numbers hold; `html_to_pdf(html, pdf)` prints any HTML file as it is);
- `write_scorecard_xlsx(published, council_code, period_end, out)`: an XLSX workbook, one sheet
  per scorecard, status in words and by conditional colour, formula injection escaped;
- `write_published_parquet(published, out_dir)`: one Parquet file per published table and view;
- `write_committee_pack(...)`: all four for one quarter.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from pathlib import Path

from scorecard.report.committee import (
    load_committee_data,
    print_committee_pdf,
    print_committee_report,
    render_committee_report,
    write_committee_html,
)
from scorecard.report.parquet import write_published_parquet
from scorecard.report.pdf import (
    ChromiumNotFound,
    PopplerNotFound,
    PrintToolNotFound,
    html_screenshot,
    html_to_pdf,
    open_browser,
)
from scorecard.report.xlsx import write_scorecard_xlsx, write_xlsx

__all__ = ["ChromiumNotFound", "PopplerNotFound", "PrintToolNotFound", "html_screenshot",
           "html_to_pdf", "print_committee_report", "render_committee_report",
           "write_committee_pack", "write_published_parquet", "write_scorecard_xlsx"]


def write_committee_pack(published: Path, council_code: str, period_end: dt.date,
                         out_dir: Path, pdf: bool = True) -> dict[str, Path | list[Path]]:
    """The quarter's committee report (HTML, and PDF unless `pdf=False`), its XLSX workbook and
    the Parquet files of every published view, under `out_dir`. Returns what it wrote:
    {"html", "pdf", "xlsx", "parquet"}."""
    out_dir = Path(out_dir)
    # The browser starts first: its start (0.6 s) overlaps reading, rendering and the exports.
    with open_browser() if pdf else nullcontext() as browser:
        data = load_committee_data(published, council_code, period_end)
        generated_at = dt.datetime.now(dt.timezone.utc)  # the HTML and the PDF say the same
        html = write_committee_html(data, out_dir, generated_at)
        written: dict[str, Path | list[Path]] = {"html": html}
        xlsx = write_xlsx(data, html.with_name(f"scorecard_{html.stem[10:]}.xlsx"))
        parquet = write_published_parquet(published, out_dir / "parquet")
        if browser is not None:
            written["pdf"] = print_committee_pdf(data, html.with_suffix(".pdf"), generated_at,
                                                 browser=browser)
    written["xlsx"], written["parquet"] = xlsx, parquet
    return written
