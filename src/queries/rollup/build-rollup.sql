-- Writes one build of the daily rollup of whole dt folders: the aggregated-flows relation of
-- src/queries/relations/flows-from-raw.sql, one row per hour of start, interface, source,
-- destination, destination port, protocol, action and log status, per dt partition (and source).
-- Reads each folder's raw logs once ({{folders}}: whole dt folders; a report staging the next
-- folder's early rows gives that folder's early files instead, see src/lib/rollup/statements.ts). It writes into the builds table ({{builds}}), whose
-- partitions (build id, then the rollup's keys) point at a folder of this build's own; no report
-- reads them until the rollup's partition is switched to that folder after this succeeded.
-- The records are aggregated as every raw read aggregates them (src/queries/fragments/
-- aggregation-select.sql and aggregation-group-by.sql); the second branch writes one marker row
-- per partition (fragments/marker-rows.sql), so a day without any record is seen as built.
-- The columns are named once, in src/queries/fragments/rollup-columns.sql: both branches give
-- their values in that order, then the build id and the partition keys.
INSERT INTO {{builds}}
  ({{rollup_columns}}, build, {{keys}})
SELECT
  {{aggregation_select}},
  {{build}},
  {{keys}}
FROM {{table}}
WHERE {{folders}}
GROUP BY
  {{aggregation_group_by}},
  {{keys}}
UNION ALL
{{marker_rows}}
