-- Points one rollup partition at a finished build's rows: what setting the partition's LOCATION to
-- the build's folder does on Athena. Run after the partition's old pointer was deleted.
INSERT INTO {{current}} (build, {{keys}}) VALUES ({{build}}, {{values}})
