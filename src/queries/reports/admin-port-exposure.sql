-- title: Admin ports reached from the internet
-- kind: detection
-- severity: high
-- technique: T1133
-- description: ACCEPTed flows to SSH, RDP, WinRM and database ports from non-private addresses.
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
  SELECT sourceaddress, CAST(count(DISTINCT {{day_block}}) AS BIGINT) AS seen_days
  FROM baseline_flows
  WHERE action = 'ACCEPT'
    AND destinationport IN ({{admin_ports}})
  GROUP BY sourceaddress
),
today AS (
SELECT
  sourceaddress,
  destinationaddress,
  destinationport,
  interfaceid,
  CAST(sum(flows) AS BIGINT) AS records,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(min(first_start) AS BIGINT) AS first_start,
  CAST(max(last_end) AS BIGINT) AS last_end
FROM flows
WHERE action = 'ACCEPT'
  AND destinationport IN ({{admin_ports}})
  -- private and special-use ranges (src/queries/fragments/private-address.sql); a NULL source drops out
  AND NOT regexp_like(sourceaddress, {{private_address}})
GROUP BY sourceaddress, destinationaddress, destinationport, interfaceid
)
SELECT t.*, coalesce(s.seen_days, 0) AS seen_days
FROM today t
LEFT JOIN seen s ON s.sourceaddress = t.sourceaddress
ORDER BY seen_days, t.records DESC, t.sourceaddress, t.destinationaddress, t.destinationport
