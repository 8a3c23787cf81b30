-- The SELECT list that aggregates raw flow records to the rollup's grain: one row per hour of
-- start, interface, source, destination, destination port, protocol, action and log status, named
-- and ordered as src/queries/fragments/rollup-columns.sql. Its GROUP BY list is
-- fragments/aggregation-group-by.sql, in the same order. relations/flows-from-raw.sql (a report
-- reading raw folders), rollup/build-rollup.sql and rollup/build-rollup-reusing-staged.sql (the
-- rollup's builds) all aggregate with it, so the rollup holds the rows a report computes from raw.
-- hour is the epoch second the hour starts (start - start % 3600: no integer division, which
-- differs between engines). NODATA and SKIPDATA records keep their row (NULL addresses).
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
