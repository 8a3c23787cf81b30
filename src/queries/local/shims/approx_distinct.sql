-- Trino approx_distinct, made exact: thresholds on distinct ports must not depend on an estimate.
CREATE MACRO approx_distinct(x) AS count(DISTINCT x)
