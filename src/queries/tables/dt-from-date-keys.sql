-- The day partition key made from the console integration's date keys.
concat(year, '/', month, '/', day) AS dt
