-- A raw table whose columns carry AWS's names (srcaddr, bytes, "end", ...), read under the names
-- and types every saved query, relation and rollup uses (sourceaddress, numbytes, endtime, ...).
-- It stands where those read {{table}}; a user's own queries read the table as it is.
(SELECT {{columns}} FROM {{table}})
