-- Keeps the change.
COMMIT
