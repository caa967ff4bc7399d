-- Parsing helpers for staging. Raw tables hold text exactly as received; these turn it into types.
-- Whitespace-only text is a missing value, as the contracts say.
CREATE OR REPLACE MACRO blank_to_null(value) AS nullif(trim(value), '');

-- SAP exports write dates as dd.mm.yyyy.
CREATE OR REPLACE MACRO parse_sap_date(value) AS
    CAST(try_strptime(blank_to_null(value), '%d.%m.%Y') AS DATE);

-- Workbook dates: Excel date cells arrive as ISO dates, dates typed as text as dd/mm/yyyy.
CREATE OR REPLACE MACRO parse_workbook_date(value) AS
    CAST(coalesce(try_strptime(blank_to_null(value), '%Y-%m-%d'),
                  try_strptime(blank_to_null(value), '%d/%m/%Y')) AS DATE);

-- Local lists and the CIN census write ISO dates.
CREATE OR REPLACE MACRO parse_iso_date(value) AS
    CAST(try_strptime(blank_to_null(value), '%Y-%m-%d') AS DATE);

-- Whole years completed on a day (a birthday on the day counts).
CREATE OR REPLACE MACRO age_on(birth_date, on_day) AS
    year(on_day) - year(birth_date)
    - CASE WHEN month(on_day) * 100 + day(on_day) < month(birth_date) * 100 + day(birth_date)
           THEN 1 ELSE 0 END;
