-- title: Top rejected sources
-- kind: digest
-- description: The addresses with the most rejected records, and how widely they knocked.
-- param: limit = 10
WITH flows AS (
{{flows}}
)
SELECT
  sourceaddress,
  CAST(sum(flows) AS BIGINT) AS rejected,
  CAST(count(DISTINCT destinationaddress) AS BIGINT) AS destinations,
  CAST(count(DISTINCT destinationport) AS BIGINT) AS ports,
  CAST(sum(packets) AS BIGINT) AS packets,
  CAST(min(first_start) AS BIGINT) AS first_start,
  CAST(max(last_end) AS BIGINT) AS last_end
FROM flows
WHERE action = 'REJECT'
  AND sourceaddress IS NOT NULL
GROUP BY sourceaddress
ORDER BY rejected DESC, sourceaddress
LIMIT {{limit}}
