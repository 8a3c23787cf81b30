-- The aggregated-flows relation, computed from the raw flow-log table: one row per hour,
-- interface, source, destination, destination port, protocol, action and log status, aggregated
-- as the rollup's builds do (src/queries/fragments/aggregation-select.sql and
-- aggregation-group-by.sql).
-- Reads only the folders of the span ({{folders}}: whole dt partitions, and the late folder's
-- early files, see late-files.sql) and keeps records that started in it.
SELECT
  {{aggregation_select}}
FROM {{table}}
WHERE ({{folders}})
  AND starttime >= {{start}}
  AND starttime < {{end}}
GROUP BY
  {{aggregation_group_by}}
