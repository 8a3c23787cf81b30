-- title: Traffic with watchlisted addresses
-- kind: detection
-- severity: high
-- description: Flows to or from an address in the watchlist (CIDR blocks, each with its label, such as a threat-intelligence export). Per row: high when any of it was accepted; medium when all of it was rejected and the listed address was the destination (a host inside tried to reach it); low when all of it was rejected and the listed address was the source.
WITH flows AS (
{{flows}}
),
baseline_flows AS (
{{baseline_flows}}
),
watchlist AS (
{{watchlist}}
),
-- Every address of the window and its baseline days, once.
addresses AS (
  SELECT sourceaddress AS address FROM flows WHERE sourceaddress IS NOT NULL
  UNION
  SELECT destinationaddress FROM flows WHERE destinationaddress IS NOT NULL
  UNION
  SELECT sourceaddress FROM baseline_flows WHERE sourceaddress IS NOT NULL
  UNION
  SELECT destinationaddress FROM baseline_flows WHERE destinationaddress IS NOT NULL
),
-- IPv4: the address as a number, as 10 decimal digits (the watchlist's keys, src/queries/watchlist/entries.sql).
ipv4 AS (
  SELECT
    address,
    TRY_CAST(split_part(address, '.', 1) AS BIGINT) AS o1,
    TRY_CAST(split_part(address, '.', 2) AS BIGINT) AS o2,
    TRY_CAST(split_part(address, '.', 3) AS BIGINT) AS o3,
    TRY_CAST(split_part(address, '.', 4) AS BIGINT) AS o4
  FROM addresses
  WHERE regexp_like(address, '^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$')
),
-- IPv6: "::" expanded to the groups it stands for, then each group padded to 4 hex digits.
-- A leading or trailing "::" first gets a 0 group beside it, so "::" always sits between two
-- groups and stands for 8 minus the colons' count of groups. An embedded IPv4 tail (::ffff:1.2.3.4)
-- is not expanded: such an address matches no block (flow logs write IPv6 in hex groups).
ipv6_lower AS (
  SELECT address, lower(address) AS a
  FROM addresses
  WHERE regexp_like(address, '^[0-9A-Fa-f:]+$')
),
ipv6_ends AS (
  SELECT address, CASE WHEN a LIKE '%::' THEN b || '0' ELSE b END AS a
  FROM (SELECT address, a, CASE WHEN a LIKE '::%' THEN '0' || a ELSE a END AS b FROM ipv6_lower) led
),
ipv6_full AS (
  SELECT
    address,
    replace(a, '::', ':' || substr('0:0:0:0:0:0:0:0:', 1, 2 * greatest(0, 8 - (length(a) - length(replace(a, ':', '')))))) AS a
  FROM ipv6_ends
),
keyed AS (
  SELECT address, 4 AS version, lpad(CAST(o1 * 16777216 + o2 * 65536 + o3 * 256 + o4 AS VARCHAR), 10, '0') AS address_key
  FROM ipv4
  WHERE o1 <= 255 AND o2 <= 255 AND o3 <= 255 AND o4 <= 255
  UNION ALL
  SELECT
    address,
    6 AS version,
    lpad(split_part(a, ':', 1), 4, '0') || lpad(split_part(a, ':', 2), 4, '0') || lpad(split_part(a, ':', 3), 4, '0') || lpad(split_part(a, ':', 4), 4, '0')
      || lpad(split_part(a, ':', 5), 4, '0') || lpad(split_part(a, ':', 6), 4, '0') || lpad(split_part(a, ':', 7), 4, '0') || lpad(split_part(a, ':', 8), 4, '0') AS address_key
  FROM ipv6_full
  WHERE regexp_like(a, '^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$')
),
-- Each listed address with the most specific block holding it (blocks written twice were merged,
-- labels joined, when the watchlist was read, so two blocks of one prefix length never tie).
listed AS (
  SELECT k.address, max_by(w.label, w.prefix) AS label, max_by(w.block, w.prefix) AS block
  FROM keyed k
  JOIN watchlist w ON w.version = k.version AND k.address_key BETWEEN w.first_key AND w.last_key
  GROUP BY k.address
),
-- Flows with a listed address on either side; when both are listed, the source is the one named.
matched AS (
  SELECT
    f.*,
    coalesce(s.label, d.label) AS label,
    coalesce(s.block, d.block) AS block,
    CASE WHEN s.address IS NOT NULL THEN f.sourceaddress ELSE f.destinationaddress END AS listed_address,
    CASE WHEN s.address IS NOT NULL THEN 'source' ELSE 'destination' END AS listed_side
  FROM flows f
  LEFT JOIN listed s ON s.address = f.sourceaddress
  LEFT JOIN listed d ON d.address = f.destinationaddress
  WHERE s.address IS NOT NULL OR d.address IS NOT NULL
),
-- New or ongoing: on how many baseline days (24-hour blocks counted back from the window start, as
-- in the other rules) the listed address had traffic.
seen AS (
  SELECT listed_address, CAST(count(DISTINCT {{day_block}}) AS BIGINT) AS seen_days
  FROM (
    SELECT CASE WHEN s.address IS NOT NULL THEN f.sourceaddress ELSE f.destinationaddress END AS listed_address, f.first_start
    FROM baseline_flows f
    LEFT JOIN listed s ON s.address = f.sourceaddress
    LEFT JOIN listed d ON d.address = f.destinationaddress
    WHERE s.address IS NOT NULL OR d.address IS NOT NULL
  ) earlier
  GROUP BY listed_address
),
today AS (
  SELECT
    label,
    block,
    listed_address,
    listed_side,
    sourceaddress,
    destinationaddress,
    destinationport,
    protocol,
    interfaceid,
    CAST(sum(CASE WHEN action = 'ACCEPT' THEN flows ELSE 0 END) AS BIGINT) AS accepted,
    CAST(sum(CASE WHEN action = 'REJECT' THEN flows ELSE 0 END) AS BIGINT) AS rejected,
    CAST(sum(bytes) AS BIGINT) AS bytes,
    CAST(min(first_start) AS BIGINT) AS first_start,
    CAST(max(last_end) AS BIGINT) AS last_end
  FROM matched
  GROUP BY label, block, listed_address, listed_side, sourceaddress, destinationaddress, destinationport, protocol, interfaceid
)
SELECT
  CASE WHEN t.accepted > 0 THEN 'high' WHEN t.listed_side = 'destination' THEN 'medium' ELSE 'low' END AS severity,
  t.*,
  coalesce(s.seen_days, 0) AS seen_days
FROM today t
LEFT JOIN seen s ON s.listed_address = t.listed_address
ORDER BY
  CASE WHEN t.accepted > 0 THEN 0 WHEN t.listed_side = 'destination' THEN 1 ELSE 2 END,
  seen_days,
  t.accepted + t.rejected DESC,
  t.listed_address,
  t.sourceaddress,
  t.destinationaddress,
  t.destinationport
