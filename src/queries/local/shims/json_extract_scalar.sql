-- Trino json_extract_scalar(json, path): the scalar at the path, as text.
CREATE MACRO json_extract_scalar(j, path) AS json_extract_string(j, path)
