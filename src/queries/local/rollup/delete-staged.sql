-- Deletes the staged early rows a stopped report left in the builds table (build ids LIKE {{prefix}}):
-- they serve one report only, and the state file is open in one process at a time.
DELETE FROM {{builds}} WHERE build LIKE {{prefix}}
