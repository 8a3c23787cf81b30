-- Trino regexp_like(string, pattern): true when the pattern matches anywhere in the string.
CREATE MACRO regexp_like(s, pattern) AS regexp_matches(s, pattern)
