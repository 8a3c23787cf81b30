-- Forgets a build's partitions in the builds table once the rollup points at its folders (or the
-- build failed); the files stay where the rollup's partitions point.
ALTER TABLE {{builds}} DROP IF EXISTS {{partitions}}
