-- The GROUP BY list of fragments/aggregation-select.sql: its first eight columns, hour as its
-- expression (Trino does not group by a SELECT list's alias). A statement that carries more
-- columns (the partition keys) groups by them after this list.
  starttime - starttime % 3600,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus
