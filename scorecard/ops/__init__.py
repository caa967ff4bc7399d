"""Operations: the command line, the Prefect server and schedule, run status, the run lock and
the fingerprint that lets an unchanged run stop early."""
