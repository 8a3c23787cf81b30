-- A field of the file (read_csv names it as the walkthrough does) under the table's name for it.
{{source}} AS {{column}}
