-- Empties one rollup partition: what pointing it at a fresh folder does on Athena.
DELETE FROM {{rollup}} WHERE {{conditions}}
