-- title: Top rejected destination ports
-- kind: digest
-- description: Ports most often refused, client (ephemeral) ports left out as return traffic.
-- param: limit = 10
-- param: ephemeral_ports = linux
WITH flows AS (
{{flows}}
)
SELECT
  destinationport,
  protocol,
  CAST(sum(flows) AS BIGINT) AS rejected,
  CAST(count(DISTINCT sourceaddress) AS BIGINT) AS sources,
  CAST(count(DISTINCT destinationaddress) AS BIGINT) AS destinations
FROM flows
-- A NULL port (ICMP, or "-") drops out of NOT BETWEEN.
WHERE action = 'REJECT'
  AND destinationport NOT BETWEEN {{ephemeral_ports}}
GROUP BY destinationport, protocol
ORDER BY rejected DESC, destinationport, protocol
LIMIT {{limit}}
