"""Publish: write-audit-publish of the checked marts into the published database, its
documentation and the exports for people outside the warehouse."""
