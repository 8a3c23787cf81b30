-- The build one rollup partition points at (no row: the partition does not exist).
SELECT build FROM {{current}} WHERE {{conditions}}
