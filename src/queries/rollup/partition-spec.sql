PARTITION ({{values}})
