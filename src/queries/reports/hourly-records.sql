-- title: Records per hour against the baseline band
-- kind: series
-- description: Accepted and rejected records in each hour of the window, with the lowest and highest count of the same hour over the baseline days (up to 7 days that have data; a day without records in that hour counts as 0).
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
window_hours AS (
  SELECT
    hour,
    CAST(sum(CASE WHEN action = 'ACCEPT' THEN flows ELSE 0 END) AS BIGINT) AS accepted,
    CAST(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END) AS BIGINT) AS rejected
  FROM flows
  GROUP BY hour
),
-- Baseline days as 24-hour blocks counted back from the window start (see reject-spike); each
-- baseline hour moves forward by its block's days onto the window hour it is compared with.
aged AS (
  SELECT hour, action, flows, {{window_start}} - 1 - hour AS age
  FROM baseline_flows
),
blocks AS (
  SELECT
    action,
    flows,
    least(age - age % 86400, 518400) AS day_block,
    hour + (age - age % 86400) + 86400 AS target_hour
  FROM aged
),
baseline_days AS (
  SELECT CAST(count(DISTINCT day_block) AS BIGINT) AS days
  FROM blocks
),
baseline_by_day AS (
  SELECT
    day_block,
    target_hour,
    CAST(sum(CASE WHEN action = 'ACCEPT' THEN flows ELSE 0 END) AS BIGINT) AS accepted,
    CAST(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END) AS BIGINT) AS rejected
  FROM blocks
  GROUP BY day_block, target_hour
),
baseline_hours AS (
  SELECT
    target_hour,
    CAST(count(*) AS BIGINT) AS days_seen,
    CAST(min(accepted) AS BIGINT) AS accepted_min,
    CAST(max(accepted) AS BIGINT) AS accepted_max,
    CAST(min(rejected) AS BIGINT) AS rejected_min,
    CAST(max(rejected) AS BIGINT) AS rejected_max
  FROM baseline_by_day
  GROUP BY target_hour
)
-- An hour on fewer baseline days than there are has a lowest value of 0; an hour without any
-- baseline row has NULL days_seen and minimum, and the ELSE's coalesce gives 0.
SELECT
  CAST(coalesce(w.hour, b.target_hour) AS BIGINT) AS hour,
  CAST(coalesce(w.accepted, 0) AS BIGINT) AS accepted,
  CAST(coalesce(w.rejected, 0) AS BIGINT) AS rejected,
  d.days AS baseline_days,
  CAST(CASE WHEN b.days_seen < d.days THEN 0 ELSE coalesce(b.accepted_min, 0) END AS BIGINT) AS baseline_accepted_min,
  CAST(coalesce(b.accepted_max, 0) AS BIGINT) AS baseline_accepted_max,
  CAST(CASE WHEN b.days_seen < d.days THEN 0 ELSE coalesce(b.rejected_min, 0) END AS BIGINT) AS baseline_rejected_min,
  CAST(coalesce(b.rejected_max, 0) AS BIGINT) AS baseline_rejected_max
FROM window_hours w
FULL OUTER JOIN baseline_hours b ON b.target_hour = w.hour
CROSS JOIN baseline_days d
-- A baseline hour moved past the window's end (a 23-hour day) is left out; window hours start at
-- most 3,599 s before the window, and baseline hours land at or after its start.
WHERE coalesce(w.hour, b.target_hour) < {{window_end}}
ORDER BY hour
