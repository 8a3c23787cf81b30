-- Points an existing rollup partition at a new, empty folder before it is built again: Athena's
-- INSERT INTO appends, so a rebuild writes into a fresh folder and the old files are no longer read.
ALTER TABLE {{rollup}} PARTITION ({{values}}) SET LOCATION {{location}}
