-- Registers day partitions, many in one statement; IF NOT EXISTS makes a repeated run harmless.
ALTER TABLE {{table}} ADD IF NOT EXISTS
{{partitions}}
