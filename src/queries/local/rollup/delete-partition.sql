-- Deletes the rows matching {{conditions}} of one table of the rollup (a partition's pointer, or a build's rows).
DELETE FROM {{rollup}} WHERE {{conditions}}
