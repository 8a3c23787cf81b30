-- title: Rejected records far above the usual level
-- kind: detection
-- severity: medium
-- description: Rejected records in the window against the daily mean of up to 7 previous days that have data.
-- param: reject_ratio = 2.0
-- param: min_rejected = 1000
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
window_rejected AS (
  SELECT CAST(coalesce(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END), 0) AS BIGINT) AS rejected
  FROM flows
),
-- Baseline days as 24-hour blocks counted back from the window start (no integer division:
-- age - age % 86400 is the block's start); a 25-hour DST day folds its extra hour into the last block.
aged AS (
  SELECT action, flows, {{window_start}} - 1 - first_start AS age
  FROM baseline_flows
),
baseline_days AS (
  SELECT
    least(age - age % 86400, 518400) AS day_block,
    CAST(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END) AS BIGINT) AS rejected
  FROM aged
  GROUP BY least(age - age % 86400, 518400)
),
baseline AS (
  SELECT
    CAST(count(*) AS BIGINT) AS days,
    CAST(coalesce(avg(CAST(rejected AS DOUBLE)), 0) AS DOUBLE) AS mean_rejected
  FROM baseline_days
)
SELECT
  w.rejected,
  b.days AS baseline_days,
  round(b.mean_rejected, 1) AS baseline_mean,
  CASE WHEN b.mean_rejected > 0 THEN round(CAST(w.rejected AS DOUBLE) / b.mean_rejected, 2) ELSE NULL END AS ratio
FROM window_rejected w
CROSS JOIN baseline b
WHERE b.days > 0
  AND w.rejected >= {{min_rejected}}
  AND CAST(w.rejected AS DOUBLE) >= {{reject_ratio}} * b.mean_rejected
