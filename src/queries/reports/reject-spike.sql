-- title: Rejected records far above the usual level
-- kind: detection
-- severity: medium
-- description: Rejected records in the window against the daily mean of the complete days among the 7 before it; held back until min_baseline_days of them are complete.
-- param: reject_ratio = 2.0
-- param: min_rejected = 1000
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
window_rejected AS (
  SELECT CAST(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END) AS BIGINT) AS rejected
  FROM flows
),
-- Baseline days as 24-hour blocks counted back from the window start ({{day_block}}: a 25-hour
-- DST day folds its extra hour into the oldest block).
aged AS (
  SELECT action, flows, {{day_block}} AS day_block
  FROM baseline_flows
),
per_day AS (
  SELECT
    day_block,
    CAST(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END) AS BIGINT) AS rejected
  FROM aged
  GROUP BY day_block
),
-- Only complete days (a full day of delivery) make the usual level: a partial first day would
-- make any normal day look like a spike. With no record in the window, or no complete day, the sum
-- or the mean is NULL and nothing is reported.
baseline AS (
  SELECT
    CAST(count(*) AS BIGINT) AS days,
    avg(CAST(p.rejected AS DOUBLE)) AS mean_rejected
  FROM per_day p
  JOIN baseline_days d ON d.day_block = p.day_block
  WHERE d.complete = 1
),
-- New or ongoing: the baseline days (any, complete or not) whose own rejected count already
-- reached the minimum and the ratio over the same usual level.
seen AS (
  SELECT CAST(count(*) AS BIGINT) AS seen_days
  FROM per_day p
  CROSS JOIN baseline b
  WHERE p.rejected >= {{min_rejected}}
    AND CAST(p.rejected AS DOUBLE) >= {{reject_ratio}} * b.mean_rejected
)
SELECT
  w.rejected,
  b.days AS baseline_days,
  round(b.mean_rejected, 1) AS baseline_mean,
  CASE WHEN b.mean_rejected > 0 THEN round(CAST(w.rejected AS DOUBLE) / b.mean_rejected, 2) ELSE NULL END AS ratio,
  s.seen_days
FROM window_rejected w
CROSS JOIN baseline b
CROSS JOIN seen s
WHERE b.days >= {{min_baseline_days}}
  AND w.rejected >= {{min_rejected}}
  AND CAST(w.rejected AS DOUBLE) >= {{reject_ratio}} * b.mean_rejected
