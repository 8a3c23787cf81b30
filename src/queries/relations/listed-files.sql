-- Only the files named here (Athena's "$path" pseudo-column; locally the table's "$path" view
-- column): the staging of a late folder's early rows names the files it read, so that the folder's
-- own build can leave exactly those out.
"$path" IN ({{files}})
