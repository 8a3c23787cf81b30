-- Fills one rollup partition with a finished build's rows: what pointing the partition at the
-- build's folder does on Athena.
INSERT INTO {{rollup}}
SELECT hour, interfaceid, sourceaddress, destinationaddress, destinationport, protocol, action, logstatus, flows, packets, bytes, first_start, last_end, {{keys}}
FROM {{builds}}
WHERE build = {{build}} AND {{conditions}}
