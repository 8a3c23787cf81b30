-- Trino approx_percentile(x, p): a value of the data at that percentile (exact here).
CREATE MACRO approx_percentile(x, p) AS quantile_disc(x, p)
