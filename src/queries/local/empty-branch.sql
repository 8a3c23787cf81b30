-- The table with no partition registered: its columns (and "$path") and no rows.
SELECT {{columns}}, CAST(NULL AS VARCHAR) AS "$path" WHERE false
