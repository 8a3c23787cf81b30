-- The table as Athena shows it: data columns, then partition keys, over the registered partitions only.
CREATE OR REPLACE VIEW {{table}} AS
{{branches}}
