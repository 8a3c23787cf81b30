-- Two parts of the aggregated-flows relation read from different places (the stored rollup or raw
-- folders, and the late folder's staged early rows); report queries add rows up, so they are not grouped again.
{{first}}
UNION ALL
{{second}}
