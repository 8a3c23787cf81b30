-- One row of the watchlist relation (entries.sql): label, block as written, version, prefix, first and last key.
({{label}}, {{block}}, {{version}}, {{prefix}}, {{first_key}}, {{last_key}})
