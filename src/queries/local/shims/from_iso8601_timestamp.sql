-- Trino from_iso8601_timestamp(string): a timestamp with time zone.
CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)
