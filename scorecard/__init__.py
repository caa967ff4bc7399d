"""Quarterly performance scorecard warehouse for English councils."""

from scorecard import config as _config  # noqa: F401  (sets offline defaults first)

__version__ = "0.1.0"
