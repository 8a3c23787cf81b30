-- The table as Athena shows it: data columns, then partition keys, over the registered partitions
-- only. A second view ({{path_view}}) also has Athena's "$path" pseudo-column (the file each row
-- comes from), which SELECT * on Athena does not show; a filter on it reads only the files it keeps.
CREATE OR REPLACE VIEW {{path_view}} AS
{{branches}};
CREATE OR REPLACE VIEW {{table}} AS SELECT * EXCLUDE ("$path") FROM {{path_view}}
