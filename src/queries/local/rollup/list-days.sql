-- What the builds of the rollup's days recorded ($1 first day, $2 last day, YYYY-MM-DD): files and skipped reads as JSON.
SELECT utc_day, files, skipped FROM {{days}} WHERE utc_day BETWEEN $1 AND $2 ORDER BY utc_day
