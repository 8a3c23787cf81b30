-- title: Private address sending far more to the internet than usual
-- kind: detection
-- severity: high
-- technique: T1048
-- description: Bytes a private address sent to public addresses, against its own daily mean over the complete days among the 7 before; held back until min_baseline_days of them are complete.
-- param: egress_ratio = 5.0
-- param: min_bytes = 1000000000
-- param: min_baseline_days = 3
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
baseline_days AS (
{{baseline_days}}
),
-- A NULL address drops out of regexp_like (NULL), so it needs no test of its own.
window_egress AS (
  SELECT
    sourceaddress,
    CAST(sum(bytes) AS BIGINT) AS bytes,
    CAST(count(DISTINCT destinationaddress) AS BIGINT) AS destinations
  FROM flows
  WHERE action = 'ACCEPT'
    AND regexp_like(sourceaddress, {{private_address}})
    AND NOT regexp_like(destinationaddress, {{private_address}})
  GROUP BY sourceaddress
),
-- Baseline days as 24-hour blocks counted back from the window start ({{day_block}}). Only
-- complete days count; the mean divides by them all, so a quiet source's days without egress
-- count as zero.
aged AS (
  SELECT action, flows, bytes, sourceaddress, destinationaddress, {{day_block}} AS day_block
  FROM baseline_flows
),
complete_days AS (
  SELECT CAST(count(*) AS BIGINT) AS days
  FROM baseline_days
  WHERE complete = 1
),
-- The baseline and the seen days are looked up for today's hosts only, all private, so their
-- sources need no private-address test of their own.
baseline_egress AS (
  SELECT sourceaddress, CAST(sum(bytes) AS BIGINT) AS bytes
  FROM aged a
  JOIN baseline_days c ON c.day_block = a.day_block AND c.complete = 1
  WHERE action = 'ACCEPT'
    AND NOT regexp_like(destinationaddress, {{private_address}})
  GROUP BY sourceaddress
),
-- New or ongoing: the baseline days (any, complete or not) on which the host already sent at
-- least min_bytes to public addresses.
seen AS (
  SELECT sourceaddress, CAST(count(*) AS BIGINT) AS seen_days
  FROM (
    SELECT day_block, sourceaddress
    FROM aged
    WHERE action = 'ACCEPT'
      AND NOT regexp_like(destinationaddress, {{private_address}})
    GROUP BY day_block, sourceaddress
    HAVING sum(bytes) >= {{min_bytes}}
  ) matched_days
  GROUP BY sourceaddress
)
SELECT
  w.sourceaddress,
  w.bytes,
  w.destinations,
  d.days AS baseline_days,
  round(CAST(coalesce(b.bytes, 0) AS DOUBLE) / CAST(d.days AS DOUBLE), 1) AS baseline_mean_bytes,
  -- No ratio for a host without earlier egress (NULL or 0 bytes), rather than an infinite one.
  round(CAST(w.bytes AS DOUBLE) * CAST(d.days AS DOUBLE) / CAST(nullif(b.bytes, 0) AS DOUBLE), 2) AS ratio,
  coalesce(s.seen_days, 0) AS seen_days
FROM window_egress w
CROSS JOIN complete_days d
LEFT JOIN baseline_egress b ON b.sourceaddress = w.sourceaddress
LEFT JOIN seen s ON s.sourceaddress = w.sourceaddress
WHERE d.days > 0
  AND d.days >= {{min_baseline_days}}
  AND w.bytes >= {{min_bytes}}
  AND CAST(w.bytes AS DOUBLE) * CAST(d.days AS DOUBLE) >= {{egress_ratio}} * CAST(coalesce(b.bytes, 0) AS DOUBLE)
ORDER BY seen_days, w.bytes DESC, w.sourceaddress
