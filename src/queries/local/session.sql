-- Session settings that make results match Athena: UTC, the table's database first in the search path.
SET TimeZone = 'UTC';
CREATE SCHEMA IF NOT EXISTS {{database}};
SET search_path = {{search_path}}
