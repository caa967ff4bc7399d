"""Deterministic synthetic source extracts for a demo council.

The data are calibrated so that the pipeline's Good Management KPI definitions (GM01-GM07)
reproduce the seed report's figures at five quarter ends, Jun-22 to Jun-23, and are plausible
before then. Every record carries the council code passed in; nothing reads the clock.
"""

from __future__ import annotations

import re
from pathlib import Path

from scorecard.demo.audit import write_audit
from scorecard.demo.hr_sap import write_hr_sap
from scorecard.demo.model import DEMO_EXTRACT_DATE

__all__ = ["DEMO_EXTRACT_DATE", "write_demo_landing"]


def write_demo_landing(out_dir: Path, council_code: str) -> list[Path]:
    """Write every demo source's extract under `out_dir` (the landing zone); return the files."""
    if not re.fullmatch(r"\d{3}", council_code):
        raise ValueError(f"council_code must be three digits, got {council_code!r}")
    out_dir = Path(out_dir)
    return write_hr_sap(out_dir, council_code) + write_audit(out_dir, council_code)
