-- Glue GetPartitions Expression: the partitions of a day range ('YYYY/MM/DD' sorts as text in date order).
dt >= {{from}} AND dt <= {{to}}
