-- Trino from_unixtime(seconds): the UTC timestamp of an epoch second count (fractions kept).
CREATE MACRO from_unixtime(seconds) AS make_timestamp(CAST(round(CAST(seconds AS DOUBLE) * 1000000) AS BIGINT))
