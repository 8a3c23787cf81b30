-- Whole dt folders of the raw table.
dt IN ({{partitions}})
