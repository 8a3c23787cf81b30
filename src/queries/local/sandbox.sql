-- Confines a connection that runs users' SQL: it may read the data folder (and the engine's own
-- scratch files) and nothing else; no other file, COPY ... TO elsewhere, ATTACH, INSTALL or LOAD of
-- an extension from disk; then the settings are locked so that no statement can change them back.
SET temp_directory = {{temp_directory}};
SET allowed_directories = [{{directories}}];
SET allowed_paths = [{{paths}}];
SET enable_external_access = false;
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
SET lock_configuration = true
