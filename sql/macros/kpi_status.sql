-- The seed report's key to symbols, as one rule that every scorecard row goes through.
--
-- actual and target are compared at the KPI's published decimals (the caller rounds), and in
-- DECIMAL so that a gap of exactly the tolerance is "within" it on every machine.
-- * no value                      -> no_value
-- * value but no target           -> missing_target
-- * on or better than target      -> better_than_target  (meeting the target exactly counts as better)
-- * worse, gap <= tolerance x |target| -> worse_than_target
-- * worse, beyond that            -> significantly_worse_than_target
-- A zero target has no tolerance (5% of zero is zero). plan_is_best measures are judged by the
-- distance from target either side: only exactly on target is better.
-- `no_information` (the KPI is not reported for the period) is decided by the mart before this.
CREATE OR REPLACE MACRO kpi_status(actual, target, polarity, tolerance) AS
CASE
    WHEN actual IS NULL THEN 'no_value'
    WHEN target IS NULL THEN 'missing_target'
    WHEN polarity = 'bigger_is_better'  AND CAST(actual AS DECIMAL(18, 6)) >= CAST(target AS DECIMAL(18, 6))
        THEN 'better_than_target'
    WHEN polarity = 'smaller_is_better' AND CAST(actual AS DECIMAL(18, 6)) <= CAST(target AS DECIMAL(18, 6))
        THEN 'better_than_target'
    WHEN polarity = 'plan_is_best'      AND CAST(actual AS DECIMAL(18, 6)) =  CAST(target AS DECIMAL(18, 6))
        THEN 'better_than_target'
    WHEN abs(CAST(actual AS DECIMAL(18, 6)) - CAST(target AS DECIMAL(18, 6)))
         <= CAST(tolerance AS DECIMAL(18, 6)) * abs(CAST(target AS DECIMAL(18, 6)))
        THEN 'worse_than_target'
    ELSE 'significantly_worse_than_target'
END;

-- Direction of travel between two published values of the same KPI, polarity-aware.
-- plan_is_best: closer to the target is an improvement (no target, no direction).
CREATE OR REPLACE MACRO kpi_direction(current_value, earlier_value, polarity, target) AS
CASE
    WHEN current_value IS NULL OR earlier_value IS NULL THEN NULL
    WHEN polarity = 'plan_is_best' AND target IS NULL THEN NULL
    WHEN polarity = 'plan_is_best' THEN
        CASE WHEN abs(current_value - target) < abs(earlier_value - target) THEN 'improved'
             WHEN abs(current_value - target) > abs(earlier_value - target) THEN 'worsened'
             ELSE 'no_change' END
    WHEN current_value = earlier_value THEN 'no_change'
    WHEN (current_value > earlier_value) = (polarity = 'bigger_is_better') THEN 'improved'
    ELSE 'worsened'
END;
