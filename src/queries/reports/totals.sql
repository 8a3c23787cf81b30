-- title: Totals for the window
-- kind: totals
-- description: Records (NODATA and SKIPDATA included), accepted, rejected and bytes.
WITH flows AS (
{{flows}}
)
SELECT
  CAST(coalesce(sum(flows), 0) AS BIGINT) AS records,
  CAST(coalesce(sum(CASE WHEN action = 'ACCEPT' THEN flows ELSE 0 END), 0) AS BIGINT) AS accepted,
  CAST(coalesce(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END), 0) AS BIGINT) AS rejected,
  CAST(coalesce(sum(bytes), 0) AS BIGINT) AS bytes,
  CAST(coalesce(sum(CASE WHEN logstatus = 'NODATA' THEN flows ELSE 0 END), 0) AS BIGINT) AS nodata,
  CAST(coalesce(sum(CASE WHEN logstatus = 'SKIPDATA' THEN flows ELSE 0 END), 0) AS BIGINT) AS skipdata
FROM flows
