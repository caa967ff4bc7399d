-- DfE returns (the SSDA903 CSV layout) write dates as dd/mm/YYYY.
-- Self-contained (no blank_to_null): macro files are created in file-name order and this one
-- sorts before parsing.sql, and DuckDB binds a macro's body when it is created.
CREATE OR REPLACE MACRO parse_dfe_date(value) AS
    CAST(try_strptime(nullif(trim(value), ''), '%d/%m/%Y') AS DATE);
