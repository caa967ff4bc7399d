"""Deterministic synthetic source extracts for a demo council.

The data are calibrated so that the pipeline's KPI definitions reproduce the seed report's
figures at five quarter ends, Jun-22 to Jun-23, and are plausible before then: Good Management
(GM01-GM07) from the HR/SAP and audit extracts, children's social care (QA01-CL02) from the
SSDA903, CIN census and local list extracts and the education attendance list (social_care.py).
Every record carries the council code passed in where its contract puts one; nothing reads the
clock.
"""

from __future__ import annotations

import re
from pathlib import Path

from scorecard_demo.audit import write_audit
from scorecard_demo.hr_sap import write_hr_sap
from scorecard_demo.model import DEMO_EXTRACT_DATE
from scorecard_demo.risks import write_risks
from scorecard_demo.social_care import write_social_care_and_education

__all__ = ["DEMO_EXTRACT_DATE", "write_demo_landing"]


def write_demo_landing(out_dir: Path, council_code: str) -> list[Path]:
    """Write every demo source's extract under `out_dir` (the landing zone); return the files."""
    if not re.fullmatch(r"\d{3}", council_code):
        raise ValueError(f"council_code must be three digits, got {council_code!r}")
    out_dir = Path(out_dir)
    return (
        write_hr_sap(out_dir, council_code)
        + write_audit(out_dir, council_code)
        + write_social_care_and_education(out_dir, council_code)
        + write_risks(out_dir, council_code)
    )
