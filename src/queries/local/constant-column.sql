-- A partition key: the partition's value on every row.
{{value}} AS {{column}}
