-- title: Private address sending far more to the internet than usual
-- kind: detection
-- severity: high
-- technique: T1048
-- description: Bytes a private address sent to public addresses, against its own daily mean over up to 7 previous days.
-- param: egress_ratio = 5.0
-- param: min_bytes = 1000000000
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
window_egress AS (
  SELECT
    sourceaddress,
    CAST(sum(bytes) AS BIGINT) AS bytes,
    CAST(count(DISTINCT destinationaddress) AS BIGINT) AS destinations
  FROM flows
  WHERE action = 'ACCEPT'
    AND sourceaddress IS NOT NULL
    AND destinationaddress IS NOT NULL
    AND regexp_like(sourceaddress, {{private_address}})
    AND NOT regexp_like(destinationaddress, {{private_address}})
  GROUP BY sourceaddress
),
-- Baseline days as 24-hour blocks counted back from the window start (see reject-spike); the
-- mean divides by the days that have any data, so a quiet source's missing days count as zero.
aged AS (
  SELECT action, flows, bytes, sourceaddress, destinationaddress, {{window_start}} - 1 - first_start AS age
  FROM baseline_flows
),
baseline_days AS (
  SELECT CAST(count(DISTINCT least(age - age % 86400, 518400)) AS BIGINT) AS days
  FROM aged
),
baseline_egress AS (
  SELECT sourceaddress, CAST(sum(bytes) AS BIGINT) AS bytes
  FROM aged
  WHERE action = 'ACCEPT'
    AND sourceaddress IS NOT NULL
    AND destinationaddress IS NOT NULL
    AND regexp_like(sourceaddress, {{private_address}})
    AND NOT regexp_like(destinationaddress, {{private_address}})
  GROUP BY sourceaddress
)
SELECT
  w.sourceaddress,
  w.bytes,
  w.destinations,
  d.days AS baseline_days,
  round(CAST(coalesce(b.bytes, 0) AS DOUBLE) / CAST(d.days AS DOUBLE), 1) AS baseline_mean_bytes,
  CASE WHEN coalesce(b.bytes, 0) > 0
    THEN round(CAST(w.bytes AS DOUBLE) * CAST(d.days AS DOUBLE) / CAST(b.bytes AS DOUBLE), 2)
    ELSE NULL END AS ratio
FROM window_egress w
CROSS JOIN baseline_days d
LEFT JOIN baseline_egress b ON b.sourceaddress = w.sourceaddress
WHERE d.days > 0
  AND w.bytes >= {{min_bytes}}
  AND CAST(w.bytes AS DOUBLE) * CAST(d.days AS DOUBLE) >= {{egress_ratio}} * CAST(coalesce(b.bytes, 0) AS DOUBLE)
ORDER BY w.bytes DESC, w.sourceaddress
