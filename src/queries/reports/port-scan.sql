-- title: Port scan: one source reaching many destination ports
-- kind: detection
-- severity: high
-- technique: T1046
-- description: TCP/UDP destination ports outside the client (ephemeral) range, from a source that is public or was rejected (a private server's answers to clients whose ephemeral range differs are not a scan).
-- param: min_ports = 100
-- param: ephemeral_ports = linux
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
-- New or ongoing: the same rule evaluated on each baseline day ({{day_block}}, as in the spike
-- rules); seen_days is on how many of them the source matched. A NULL port drops out of NOT
-- BETWEEN, and a NULL source never joins today's.
seen AS (
  SELECT sourceaddress, CAST(count(*) AS BIGINT) AS seen_days
  FROM (
    SELECT {{day_block}} AS day_block, sourceaddress
    FROM baseline_flows
    WHERE protocol IN (6, 17)
      AND destinationport NOT BETWEEN {{ephemeral_ports}}
      AND (action = 'REJECT' OR NOT regexp_like(sourceaddress, {{private_address}}))
    GROUP BY {{day_block}}, sourceaddress
    HAVING count(DISTINCT destinationport) >= {{min_ports}}
  ) matched_days
  GROUP BY sourceaddress
),
today AS (
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
  AND destinationport NOT BETWEEN {{ephemeral_ports}}
  AND (action = 'REJECT' OR NOT regexp_like(sourceaddress, {{private_address}}))
GROUP BY sourceaddress
HAVING count(DISTINCT destinationport) >= {{min_ports}}
)
SELECT t.*, coalesce(s.seen_days, 0) AS seen_days
FROM today t
LEFT JOIN seen s ON s.sourceaddress = t.sourceaddress
ORDER BY seen_days, t.ports DESC, t.sourceaddress
