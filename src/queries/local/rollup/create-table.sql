-- The stored daily rollup, in the state database (src/queries/rollup/build-rollup.sql fills it
-- through the builds table): built once per day from the gz files, read by every later report.
-- The builds table holds each build's rows under its build id; the current table says, for each
-- rollup partition, which build's rows it reads (what a partition's LOCATION is on Athena), and
-- the rollup is a view of exactly those rows (src/queries/local/rollup/create-view.sql), so
-- switching a day to a finished build changes one row of the current table, and copies nothing.
-- The days table keeps, per UTC day, the files its rollup was built from (path, size, mtime) and
-- the files and lines that build skipped, both as JSON, so later reports warn and notice changes.
-- The staged table keeps, per UTC day, the early rows a report staged and kept for that day's own
-- build (build id, and the record as JSON: staged at, files, partitions); NULL once let go.
CREATE SCHEMA IF NOT EXISTS {{schema}};
CREATE TABLE IF NOT EXISTS {{builds}} (hour BIGINT, interfaceid VARCHAR, sourceaddress VARCHAR, destinationaddress VARCHAR, destinationport INTEGER, protocol INTEGER, action VARCHAR, logstatus VARCHAR, flows BIGINT, packets BIGINT, bytes BIGINT, first_start BIGINT, last_end BIGINT, build VARCHAR, {{key_columns}});
CREATE TABLE IF NOT EXISTS {{current}} (build VARCHAR, {{key_columns}});
CREATE TABLE IF NOT EXISTS {{days}} (utc_day VARCHAR PRIMARY KEY, files VARCHAR, skipped VARCHAR, recorded_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS {{staged}} (utc_day VARCHAR PRIMARY KEY, build VARCHAR, record VARCHAR, recorded_at TIMESTAMP)
