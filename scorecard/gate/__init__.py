"""Gate: the Great Expectations suites that block publication, the data-quality report and the
defect report."""
