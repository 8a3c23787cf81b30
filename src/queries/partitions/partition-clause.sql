PARTITION ({{values}}) LOCATION {{location}}
