-- Glue GetPartitions Expression for a table keyed by year, month, day (the console integration's):
-- every partition of the range's years; the days out of the range are dropped after listing.
year >= {{from}} AND year <= {{to}}
