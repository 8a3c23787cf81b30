-- The watchlist as a relation (src/lib/report/watchlist.ts fills it): one row per CIDR block with
-- its label, its IP version, its prefix length and its first and last address as keys of fixed
-- width, which compare as text in the same order as the addresses do as numbers:
--   IPv4: the address as a number, in 10 decimal digits (0167772160 is 10.0.0.0);
--   IPv6: the 8 groups, each padded to 4 hex digits, in 32 lowercase hex digits.
-- The same keys are made from the flow logs' addresses in SQL (src/queries/reports/watchlist.sql),
-- so no IPADDRESS type (Trino) or inet extension (DuckDB) is needed.
SELECT label, block, version, prefix, first_key, last_key
FROM (
  VALUES
{{rows}}
) AS entries (label, block, version, prefix, first_key, last_key)
