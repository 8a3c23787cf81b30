-- The marker rows of a rollup build, the branch after UNION ALL in rollup/build-rollup.sql and
-- rollup/build-rollup-reusing-staged.sql: one row per partition written ({{markers}}: a tuple of
-- the partition keys' values each, named {{keys}}), under build {{build}}. Its hour is NULL, so no
-- report relation ever reads it (they keep hour >= start), and flows is 0, so staged rows reused
-- leave it out (rollup/staged-rows.sql); a day without any record still gets its rollup partition,
-- which tells later runs that the day is built. The values follow fragments/rollup-columns.sql,
-- with each column's type, then the build id and the partition keys.
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
