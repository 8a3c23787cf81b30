-- The aggregated-flows relation read from the stored daily rollup (src/queries/rollup/build-rollup.sql)
-- for whole UTC days. Records of one hour can sit in two dt folders (late
-- delivery), so rows are added up again across partitions; the hour filter equals the raw
-- relation's start-time filter because the span starts and ends on whole hours, and it leaves
-- out the rollup's marker rows (hour NULL).
SELECT
  hour,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus,
  CAST(sum(flows) AS BIGINT) AS flows,
  CAST(sum(packets) AS BIGINT) AS packets,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(min(first_start) AS BIGINT) AS first_start,
  CAST(max(last_end) AS BIGINT) AS last_end
FROM {{rollup}}
WHERE dt IN ({{partitions}})
  AND hour >= {{start}}
  AND hour < {{end}}
GROUP BY
  hour,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus
