-- Replaces one day's record ($1 day YYYY-MM-DD, $2 files JSON, $3 skipped JSON) after its build was switched in.
INSERT OR REPLACE INTO {{days}} (utc_day, files, skipped, recorded_at) VALUES ($1, $2, $3, now())
