-- Sickness reason codes and the category each counts under (`stress` feeds GM03).
SELECT reason_code, description, category
FROM reference.absence_reasons
