-- A column the file does not have: NULL of the table's type.
CAST(NULL AS {{type}}) AS {{column}}
