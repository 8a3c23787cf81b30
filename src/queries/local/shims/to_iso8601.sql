-- Trino to_iso8601(timestamp) for UTC timestamps: 2026-11-01T00:00:00.000Z.
CREATE MACRO to_iso8601(ts) AS strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ')
