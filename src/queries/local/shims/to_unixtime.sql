-- Trino to_unixtime(timestamp): epoch seconds as a double.
CREATE MACRO to_unixtime(ts) AS CAST(epoch_us(ts) AS DOUBLE) / 1000000
