-- The rollup's partitions whose dt lies in a range ($1 first dt, $2 last dt): the key values present.
SELECT DISTINCT {{keys}} FROM {{rollup}} WHERE dt BETWEEN $1 AND $2 ORDER BY {{keys}}
