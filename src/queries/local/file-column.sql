-- One field of a file as read_csv declares it.
{{name}}: {{type}}
