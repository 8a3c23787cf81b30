-- title: Port scan: one source reaching many destination ports
-- kind: detection
-- severity: high
-- technique: T1046
-- description: TCP/UDP destination ports outside the client (ephemeral) range, from a source that is public or was rejected (a private server's answers to clients whose ephemeral range differs are not a scan).
-- param: min_ports = 100
-- param: ephemeral_ports = linux
WITH flows AS (
{{flows}}
)
SELECT
  sourceaddress,
  CAST(count(DISTINCT destinationport) AS BIGINT) AS ports,
  CAST(count(DISTINCT destinationaddress) AS BIGINT) AS destinations,
  CAST(sum(flows) AS BIGINT) AS records,
  CAST(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END) AS BIGINT) AS rejected,
  CAST(min(first_start) AS BIGINT) AS first_start,
  CAST(max(last_end) AS BIGINT) AS last_end
FROM flows
WHERE sourceaddress IS NOT NULL
  AND protocol IN (6, 17)
  AND destinationport IS NOT NULL
  AND destinationport NOT BETWEEN {{ephemeral_ports}}
  AND (action = 'REJECT' OR NOT regexp_like(sourceaddress, {{private_address}}))
GROUP BY sourceaddress
HAVING count(DISTINCT destinationport) >= {{min_ports}}
ORDER BY ports DESC, sourceaddress
