-- The late folder's early rows as the report staged them once (src/queries/rollup/build-rollup.sql
-- over its early files, into a builds-table partition of its own, build {{build}}), so the report's
-- queries read these few stored rows instead of each reading the early raw files again. As in
-- flows-from-rollup.sql the rows are not grouped again and the hour filter leaves out the marker row.
SELECT
  {{rollup_columns}}
FROM {{builds}}
WHERE build = {{build}}
  AND dt = {{late_dt}}
  AND hour >= {{start}}
  AND hour < {{end}}
