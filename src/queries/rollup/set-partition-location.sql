-- Switches an existing rollup partition to a finished build's folder in one statement: readers
-- see the old build or the new one, never a part of either. Athena's INSERT INTO appends, so
-- each build has a folder of its own.
ALTER TABLE {{rollup}} PARTITION ({{values}}) SET LOCATION {{location}}
