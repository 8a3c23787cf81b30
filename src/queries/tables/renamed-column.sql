-- One column of the raw table under the name and type the saved queries read.
CAST({{source}} AS {{type}}) AS {{column}}
