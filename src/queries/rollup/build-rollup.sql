-- Writes one build of the daily rollup of whole dt folders: the aggregated-flows relation of
-- src/queries/relations/flows-from-raw.sql, one row per hour of start, interface, source,
-- destination, destination port, protocol, action and log status, per dt partition (and source).
-- Reads each folder's raw logs once ({{folders}}: whole dt folders; a report staging the next
-- folder's early rows gives that folder's early files instead, see src/lib/rollup/statements.ts). It writes into the builds table ({{builds}}), whose
-- partitions (build id, then the rollup's keys) point at a folder of this build's own; no report
-- reads them until the rollup's partition is switched to that folder after this succeeded.
-- The second branch writes one marker row per partition: its hour is NULL, so no
-- report relation ever reads it (they keep hour >= start), and a day without any record still
-- gets its rollup partition, which tells later runs that the day is built.
-- The columns are named once, in src/queries/fragments/rollup-columns.sql: both branches give
-- their values in that order, then the build id and the partition keys.
INSERT INTO {{builds}}
  ({{rollup_columns}}, build, {{keys}})
SELECT
  starttime - starttime % 3600,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus,
  CAST(count(*) AS BIGINT),
  CAST(coalesce(sum(numpackets), 0) AS BIGINT),
  CAST(coalesce(sum(numbytes), 0) AS BIGINT),
  CAST(min(starttime) AS BIGINT),
  CAST(max(endtime) AS BIGINT),
  {{build}},
  {{keys}}
FROM {{table}}
WHERE {{folders}}
GROUP BY
  starttime - starttime % 3600,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus,
  {{keys}}
UNION ALL
SELECT
  CAST(NULL AS BIGINT),
  CAST(NULL AS VARCHAR),
  CAST(NULL AS VARCHAR),
  CAST(NULL AS VARCHAR),
  CAST(NULL AS INTEGER),
  CAST(NULL AS INTEGER),
  CAST(NULL AS VARCHAR),
  CAST(NULL AS VARCHAR),
  CAST(0 AS BIGINT),
  CAST(0 AS BIGINT),
  CAST(0 AS BIGINT),
  CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT),
  {{build}},
  {{keys}}
FROM (VALUES {{markers}}) AS markers ({{keys}})
