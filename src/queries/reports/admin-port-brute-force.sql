-- title: Brute force on admin ports from one public source
-- kind: detection
-- severity: medium
-- technique: T1110
-- description: One non-private source with many rejected flows to admin ports.
-- param: min_flows = 100
-- param: admin_ports = 22, 3389, 5985, 5986, 3306, 5432, 1433, 1521, 27017, 6379, 9042
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
-- New or ongoing: the same rule evaluated on each baseline day (24-hour blocks counted back from
-- the window start, as in the spike rules); seen_days is on how many of them the source matched.
seen AS (
  SELECT sourceaddress, CAST(count(*) AS BIGINT) AS seen_days
  FROM (
    SELECT least(({{window_start}} - 1 - first_start) - ({{window_start}} - 1 - first_start) % 86400, 518400) AS day_block, sourceaddress
    FROM baseline_flows
    WHERE action = 'REJECT'
      AND destinationport IN ({{admin_ports}})
      AND sourceaddress IS NOT NULL
      AND NOT regexp_like(sourceaddress, {{private_address}})
    GROUP BY least(({{window_start}} - 1 - first_start) - ({{window_start}} - 1 - first_start) % 86400, 518400), sourceaddress
    HAVING sum(flows) >= {{min_flows}}
  ) matched_days
  GROUP BY sourceaddress
),
today AS (
SELECT
  sourceaddress,
  CAST(sum(flows) AS BIGINT) AS rejected,
  CAST(count(DISTINCT destinationaddress) AS BIGINT) AS destinations,
  CAST(count(DISTINCT destinationport) AS BIGINT) AS ports,
  CAST(min(first_start) AS BIGINT) AS first_start,
  CAST(max(last_end) AS BIGINT) AS last_end
FROM flows
WHERE action = 'REJECT'
  AND destinationport IN ({{admin_ports}})
  AND sourceaddress IS NOT NULL
  -- private and special-use ranges: src/queries/fragments/private-address.sql
  AND NOT regexp_like(sourceaddress, {{private_address}})
GROUP BY sourceaddress
HAVING sum(flows) >= {{min_flows}}
)
SELECT t.*, coalesce(s.seen_days, 0) AS seen_days
FROM today t
LEFT JOIN seen s ON s.sourceaddress = t.sourceaddress
ORDER BY coalesce(s.seen_days, 0), t.rejected DESC, t.sourceaddress
