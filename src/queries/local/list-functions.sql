-- The functions DuckDB already has, so a Trino shim never replaces one.
SELECT DISTINCT function_name FROM duckdb_functions()
