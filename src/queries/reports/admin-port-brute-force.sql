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
-- New or ongoing: the same rule evaluated on each baseline day ({{day_block}}, as in the spike
-- rules); seen_days is on how many of them the source matched. Only today's sources, all public,
-- are looked up, so the private-address test is not repeated here.
seen AS (
  SELECT sourceaddress, CAST(count(*) AS BIGINT) AS seen_days
  FROM (
    SELECT {{day_block}} AS day_block, sourceaddress
    FROM baseline_flows
    WHERE action = 'REJECT'
      AND destinationport IN ({{admin_ports}})
    GROUP BY {{day_block}}, sourceaddress
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
  -- private and special-use ranges (src/queries/fragments/private-address.sql); a NULL source drops out
  AND NOT regexp_like(sourceaddress, {{private_address}})
GROUP BY sourceaddress
HAVING sum(flows) >= {{min_flows}}
)
SELECT t.*, coalesce(s.seen_days, 0) AS seen_days
FROM today t
LEFT JOIN seen s ON s.sourceaddress = t.sourceaddress
ORDER BY seen_days, t.rejected DESC, t.sourceaddress
