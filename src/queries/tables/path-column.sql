-- Athena's pseudo-column naming each record's file, kept through a renaming relation so that the
-- late folder's early files can still be picked by name (src/queries/relations/late-files.sql).
"$path"
