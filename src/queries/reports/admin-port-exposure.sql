-- title: Admin ports reached from the internet
-- kind: detection
-- severity: high
-- technique: T1133
-- description: ACCEPTed flows to SSH, RDP, WinRM and database ports from non-private addresses.
-- param: admin_ports = 22, 3389, 5985, 5986, 3306, 5432, 1433, 1521, 27017, 6379, 9042
WITH flows AS (
{{flows}}
)
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
  AND sourceaddress IS NOT NULL
  -- private and special-use ranges: src/queries/fragments/private-address.sql
  AND NOT regexp_like(sourceaddress, {{private_address}})
GROUP BY sourceaddress, destinationaddress, destinationport, interfaceid
ORDER BY records DESC, sourceaddress, destinationaddress, destinationport
