-- title: Top talkers
-- kind: digest
-- description: Source and destination pairs that moved the most bytes.
-- param: limit = 10
WITH flows AS (
{{flows}}
)
SELECT
  sourceaddress,
  destinationaddress,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  CAST(sum(flows) AS BIGINT) AS records
FROM flows
WHERE action = 'ACCEPT'
  AND sourceaddress IS NOT NULL
GROUP BY sourceaddress, destinationaddress
ORDER BY bytes DESC, sourceaddress, destinationaddress
LIMIT {{limit}}
