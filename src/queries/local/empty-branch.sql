-- The table with no partition registered: its columns and no rows.
SELECT {{columns}} WHERE false
