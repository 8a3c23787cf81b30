-- Replaces one day's staged-rows record ($1 day YYYY-MM-DD, $2 build id or NULL, $3 the record as JSON or NULL once let go).
INSERT OR REPLACE INTO {{staged}} (utc_day, build, record, recorded_at) VALUES ($1, $2, $3, now())
