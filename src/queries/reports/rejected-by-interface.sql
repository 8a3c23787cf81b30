-- title: Rejected records by interface
-- kind: digest
-- description: Which network interfaces refuse the most traffic.
-- param: limit = 10
WITH flows AS (
{{flows}}
)
SELECT
  interfaceid,
  CAST(sum(flows) AS BIGINT) AS rejected,
  CAST(count(DISTINCT sourceaddress) AS BIGINT) AS sources,
  CAST(count(DISTINCT destinationport) AS BIGINT) AS ports
FROM flows
WHERE action = 'REJECT'
GROUP BY interfaceid
ORDER BY rejected DESC, interfaceid
LIMIT {{limit}}
