-- The baseline's days, one row per day that has any record, and whether each is complete enough
-- to be a baseline day (complete = 1): its records start in at least {{min_day_hours}} distinct
-- hours of the day, and its first record starts at most 1800 seconds (30 minutes) after the day
-- starts. The first day of a flow log (delivery began mid-day) and a day with a delivery gap are
-- not complete; NODATA records count as delivery, since AWS writes them for idle interfaces.
-- Days are 24-hour blocks counted back from the window start, the {{day_block}} of every rule
-- (src/queries/fragments/day-block.sql): day_block 0 is the day before the window, 518400 the
-- oldest (a 25-hour DST day folds its extra hour into it; the oldest block starts no earlier than
-- the baseline itself, {{baseline_start}}). hour_slot avoids integer division (x - x % n), which
-- differs between engines.
SELECT
  day_block,
  CAST(least(count(DISTINCT hour_slot), 24) AS BIGINT) AS hours,
  CAST(greatest(0, min(first_start) - greatest({{window_start}} - day_block - 86400, {{baseline_start}})) AS BIGINT) AS first_offset_seconds,
  CASE
    WHEN count(DISTINCT hour_slot) >= {{min_day_hours}}
      AND min(first_start) - greatest({{window_start}} - day_block - 86400, {{baseline_start}}) <= 1800
    THEN 1 ELSE 0
  END AS complete
FROM (
  SELECT
    {{day_block}} AS day_block,
    age - age % 3600 AS hour_slot,
    first_start
  FROM (
    SELECT {{window_start}} - 1 - first_start AS age, first_start
    FROM (
{{baseline_flows}}
    ) baseline_rows
  ) aged
) slotted
GROUP BY day_block
