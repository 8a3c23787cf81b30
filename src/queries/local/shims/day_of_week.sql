-- Trino day_of_week: ISO day of the week, Monday 1 to Sunday 7.
CREATE MACRO day_of_week(ts) AS isodow(ts)
