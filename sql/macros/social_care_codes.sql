-- DfE's care-leaver codes (OC3 ACTIV/ACCOM and the local care-leaver list, which uses the same
-- lists: D2I rules 132 and 133). One reading for both sources.
-- `0` is DfE's "not applicable" (required when IN_TOUCH is DIED or RHOM, rule 344): not an
-- activity nor an accommodation, so it reads as null, like a blank.
CREATE OR REPLACE MACRO dfe_care_leaver_code(value) AS nullif(blank_to_null(value), '0');

-- Suitable accommodation: ACCOM's last character is 1 (2: not suitable). Null for 0 or blank:
-- neither suitable nor unsuitable.
CREATE OR REPLACE MACRO dfe_suitably_accommodated(accom) AS
    right(dfe_care_leaver_code(accom), 1) = '1';

-- ACCOM G (gone abroad), H (deported), R (residence not known): LAIT 112 leaves them out of
-- the suitable-accommodation measure, "as the suitability will not usually be known".
CREATE OR REPLACE MACRO dfe_residence_unknown_or_abroad(accom) AS
    coalesce(left(dfe_care_leaver_code(accom), 1) IN ('G', 'H', 'R'), false);

-- In education, employment or training: ACTIV F1 P1 F2 P2 F4 P4 F5 P5, full or part time (the
-- G codes are NEET; 0 and blank are not EET).
CREATE OR REPLACE MACRO dfe_in_education_employment_training(activ) AS
    coalesce(dfe_care_leaver_code(activ) IN ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5'),
             false);
