-- Keeps a plan profile of each query, to know which files it read.
PRAGMA enable_profiling = 'json';
PRAGMA profiling_output = {{path}}
