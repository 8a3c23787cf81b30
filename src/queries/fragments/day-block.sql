-- The baseline day a record belongs to, one expression for every rule: a report query writes
-- {{day_block}} where a record's first_start is in scope, and the report job puts this expression
-- there. Days are 24-hour blocks counted back from the window start: 0 is the day before the
-- window, 518400 (6 days) the oldest; a record older than that (a 25-hour DST day's extra hour)
-- folds into the oldest block, so the 7-day baseline never has an eighth day. No integer division
-- (age - age % 86400 is the start of the block holding age), since engines differ on it.
least(({{window_start}} - 1 - first_start) - ({{window_start}} - 1 - first_start) % 86400, 518400)
