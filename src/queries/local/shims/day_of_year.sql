-- Trino day_of_year: 1 to 366.
CREATE MACRO day_of_year(ts) AS dayofyear(ts)
