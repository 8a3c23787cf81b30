-- Trino array_join(array, separator).
CREATE MACRO array_join(items, separator) AS array_to_string(items, separator)
