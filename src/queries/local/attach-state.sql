-- Opens the state database beside the in-memory one that holds the table's view.
ATTACH {{path}} AS {{state}}
