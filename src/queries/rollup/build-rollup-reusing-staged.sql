-- Writes one build of the daily rollup like build-rollup.sql, for days whose early rows a report
-- already staged (src/lib/use-cases/stage-early-rows.ts): those files are not read again. The raw
-- folders are read without the staged files ("$path" NOT IN, {{staged_files}}: exactly the files
-- the staging INSERT named), aggregated to the rollup's grain, and added to the staged rows of the
-- same grain ({{staged}}); the sums, minimum and maximum of both parts are the day's. A file added
-- to the folder after the staging is not in the list and is read here, once. The rollup's columns
-- are named once, in src/queries/fragments/rollup-columns.sql; the raw records are aggregated with
-- fragments/aggregation-select.sql and aggregation-group-by.sql, and the marker rows are
-- fragments/marker-rows.sql, as in build-rollup.sql.
INSERT INTO {{builds}}
  ({{rollup_columns}}, build, {{keys}})
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
  CAST(max(last_end) AS BIGINT) AS last_end,
  {{build}} AS build,
  {{keys}}
FROM (
  SELECT
    {{aggregation_select}},
    {{keys}}
  FROM {{table}}
  WHERE ({{folders}})
    AND "$path" NOT IN ({{staged_files}})
  GROUP BY
    {{aggregation_group_by}},
    {{keys}}
  UNION ALL
  SELECT
    {{rollup_columns}},
    {{keys}}
  FROM {{builds}}
  WHERE {{staged}}
) AS flows_and_staged
GROUP BY
  hour,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus,
  {{keys}}
UNION ALL
{{marker_rows}}
