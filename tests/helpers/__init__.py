"""What the tests share that is not a fixture: landing zones written record by record, the
bad-input corpus, independent recomputations of the KPIs, and the crash runner."""
