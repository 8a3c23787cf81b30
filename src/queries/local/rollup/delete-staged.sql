-- Deletes the staged early rows a stopped report left in the builds table (build ids LIKE {{prefix}})
-- that no day's staged record keeps for its build ({{staged}}): the state file is open in one
-- process at a time, so those served one report only.
DELETE FROM {{builds}} WHERE build LIKE {{prefix}} AND build NOT IN (SELECT build FROM {{staged}} WHERE build IS NOT NULL)
