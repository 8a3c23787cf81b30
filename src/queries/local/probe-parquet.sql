-- Reads every value of a Parquet file (count of each column), to find one DuckDB cannot read.
SELECT count(COLUMNS(*)) FROM read_parquet([{{files}}])
