-- The rollup as the reports read it: the rows of the build each partition points at. The tables
-- are named without their database, so the view finds them in its own (however it is attached).
CREATE VIEW IF NOT EXISTS {{rollup}} AS
SELECT {{rollup_columns}}, {{keys}}
FROM {{builds}} SEMI JOIN {{current}} USING (build, {{keys}})
