-- The stored daily rollup, as a table of the state database (src/queries/rollup/build-rollup.sql
-- fills it): built once per day from the gz files, read by every later report.
CREATE SCHEMA IF NOT EXISTS {{schema}};
CREATE TABLE IF NOT EXISTS {{rollup}} (hour BIGINT, interfaceid VARCHAR, sourceaddress VARCHAR, destinationaddress VARCHAR, destinationport INTEGER, protocol INTEGER, action VARCHAR, logstatus VARCHAR, flows BIGINT, packets BIGINT, bytes BIGINT, first_start BIGINT, last_end BIGINT, {{key_columns}})
