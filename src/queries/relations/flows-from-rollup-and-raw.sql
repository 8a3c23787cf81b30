-- The aggregated-flows relation over a span whose complete UTC days come from the stored rollup
-- and whose not-yet-complete days (raw: the raw relation over those
-- dt partitions) are aggregated on the fly; rows of one hour from both parts are added up.
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
FROM (
  SELECT hour, interfaceid, sourceaddress, destinationaddress, destinationport, protocol, action, logstatus, flows, packets, bytes, first_start, last_end
  FROM {{rollup}}
  WHERE dt IN ({{rollup_partitions}})
    AND hour >= {{start}}
    AND hour < {{end}}
  UNION ALL
  {{raw}}
) AS parts
GROUP BY
  hour,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus
