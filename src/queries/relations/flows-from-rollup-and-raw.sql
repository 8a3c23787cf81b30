-- The aggregated-flows relation over a span whose complete UTC days come from the stored rollup
-- and whose not-yet-complete days ({{raw}}: the raw relation over those dt partitions) are
-- aggregated on the fly. As in flows-from-rollup.sql the parts are not grouped again: report
-- queries add rows up, so one key in both parts counts the same as one row holding both.
SELECT
  {{rollup_columns}}
FROM {{rollup}}
WHERE dt IN ({{rollup_partitions}})
  AND hour >= {{start}}
  AND hour < {{end}}
UNION ALL
{{raw}}
