-- The aggregated-flows relation, computed from the raw flow-log table: one row per hour,
-- interface, source, destination, destination port, protocol, action and log status.
-- Reads only the folders of the span ({{folders}}: whole dt partitions, and the late folder's
-- early files, see late-files.sql) and keeps records that started in it.
-- hour is the epoch second the hour starts (start - start % 3600: no integer division, which
-- differs between engines). NODATA and SKIPDATA records keep their row (NULL addresses).
SELECT
  starttime - starttime % 3600 AS hour,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus,
  CAST(count(*) AS BIGINT) AS flows,
  CAST(coalesce(sum(numpackets), 0) AS BIGINT) AS packets,
  CAST(coalesce(sum(numbytes), 0) AS BIGINT) AS bytes,
  CAST(min(starttime) AS BIGINT) AS first_start,
  CAST(max(endtime) AS BIGINT) AS last_end
FROM {{table}}
WHERE ({{folders}})
  AND starttime >= {{start}}
  AND starttime < {{end}}
GROUP BY
  starttime - starttime % 3600,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus
