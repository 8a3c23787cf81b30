-- Starts a change of the state that must happen whole or not at all.
BEGIN TRANSACTION
