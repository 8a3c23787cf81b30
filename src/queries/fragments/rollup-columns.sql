-- The stored daily rollup's columns, in the table's order (the Glue table's columns in
-- deploy/stack-resources.ts and the local table of src/queries/local/rollup/create-table.sql have
-- this order): rollup/build-rollup.sql and rollup/build-rollup-reusing-staged.sql write them,
-- relations/flows-from-rollup.sql and relations/flows-from-staged.sql read them, and locally
-- local/rollup/create-view.sql and local/rollup/adopt-table.sql read them from the builds table. A report
-- query reads the same columns from the raw relation (relations/flows-from-raw.sql, which names
-- them in fragments/aggregation-select.sql).
  hour,
  interfaceid,
  sourceaddress,
  destinationaddress,
  destinationport,
  protocol,
  action,
  logstatus,
  flows,
  packets,
  bytes,
  first_start,
  last_end
