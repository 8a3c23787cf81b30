-- The rollup's partitions whose dt lies in a range ($1 first dt, $2 last dt): those pointing at a build.
SELECT {{keys}} FROM {{current}} WHERE dt BETWEEN $1 AND $2 ORDER BY {{keys}}
