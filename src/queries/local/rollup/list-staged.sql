-- The staged-rows records kept for days' builds ($1 first day, $2 last day, YYYY-MM-DD), those not let go.
SELECT utc_day, record FROM {{staged}} WHERE utc_day BETWEEN $1 AND $2 AND record IS NOT NULL ORDER BY utc_day
