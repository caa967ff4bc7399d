-- The councils this warehouse holds: any council that sent any extract table.
SELECT DISTINCT council_code FROM intermediate.int_council_sources
