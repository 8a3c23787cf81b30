-- Undoes the change.
ROLLBACK
