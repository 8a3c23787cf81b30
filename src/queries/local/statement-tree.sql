-- The parse tree of one statement as JSON, or an error object when it is not a SELECT (parsing only, nothing runs).
SELECT json_serialize_sql($1::VARCHAR) AS tree
