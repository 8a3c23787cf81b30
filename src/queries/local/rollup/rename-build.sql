-- Moves the rows of one partition of a build, and the rollup's pointer at them, to another build
-- id ({{renamed}}): a build about to write under the id the partition's current rows have (the
-- same clock reading twice) then writes rows of its own, and the switch replaces the renamed ones.
UPDATE {{builds}} SET build = {{renamed}} WHERE build = {{build}} AND {{conditions}};
UPDATE {{current}} SET build = {{renamed}} WHERE build = {{build}} AND {{conditions}}
