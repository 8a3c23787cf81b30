-- title: Egress of each private address against its own baseline
-- kind: series
-- description: Bytes each private address sent to public addresses in the window, with its lowest, mean and highest day over the baseline days (up to 7 days that have data; a day without egress counts as 0).
-- param: hosts = 20
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
-- A NULL address drops out of regexp_like (NULL), so it needs no test of its own.
window_egress AS (
  SELECT sourceaddress, CAST(sum(bytes) AS BIGINT) AS bytes
  FROM flows
  WHERE action = 'ACCEPT'
    AND regexp_like(sourceaddress, {{private_address}})
    AND NOT regexp_like(destinationaddress, {{private_address}})
  GROUP BY sourceaddress
),
-- Baseline days as 24-hour blocks counted back from the window start ({{day_block}}).
blocks AS (
  SELECT action, bytes, sourceaddress, destinationaddress, {{day_block}} AS day_block
  FROM baseline_flows
),
baseline_days AS (
  SELECT CAST(count(DISTINCT day_block) AS BIGINT) AS days
  FROM blocks
),
host_days AS (
  SELECT sourceaddress, day_block, CAST(sum(bytes) AS BIGINT) AS bytes
  FROM blocks
  WHERE action = 'ACCEPT'
    AND regexp_like(sourceaddress, {{private_address}})
    AND NOT regexp_like(destinationaddress, {{private_address}})
  GROUP BY sourceaddress, day_block
),
baseline_egress AS (
  SELECT
    sourceaddress,
    CAST(count(*) AS BIGINT) AS days_seen,
    CAST(min(bytes) AS BIGINT) AS min_bytes,
    CAST(max(bytes) AS BIGINT) AS max_bytes,
    CAST(sum(bytes) AS BIGINT) AS total_bytes
  FROM host_days
  GROUP BY sourceaddress
)
SELECT
  coalesce(w.sourceaddress, b.sourceaddress) AS sourceaddress,
  CAST(coalesce(w.bytes, 0) AS BIGINT) AS bytes,
  d.days AS baseline_days,
  CAST(CASE WHEN b.days_seen < d.days THEN 0 ELSE coalesce(b.min_bytes, 0) END AS BIGINT) AS baseline_min_bytes,
  CASE WHEN d.days > 0
    THEN round(CAST(coalesce(b.total_bytes, 0) AS DOUBLE) / CAST(d.days AS DOUBLE), 1)
    ELSE NULL END AS baseline_mean_bytes,
  CAST(coalesce(b.max_bytes, 0) AS BIGINT) AS baseline_max_bytes
FROM window_egress w
FULL OUTER JOIN baseline_egress b ON b.sourceaddress = w.sourceaddress
CROSS JOIN baseline_days d
ORDER BY bytes DESC, baseline_max_bytes DESC, sourceaddress
LIMIT {{hosts}}
