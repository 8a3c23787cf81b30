-- What is known of every data file seen so far.
SELECT path, size_bytes, mtime_ms, header, status, reason, probed FROM {{state}}.file_facts
