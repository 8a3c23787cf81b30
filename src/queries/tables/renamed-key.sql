-- A partition key of the console integration's table under the name the saved queries read.
{{source}} AS {{column}}
