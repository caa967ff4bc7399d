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
