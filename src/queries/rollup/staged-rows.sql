-- One day's early rows a report staged and kept for the day's own build (build {{build}} of the
-- builds table, every partition of that dt); the marker rows (flows 0) are left out.
(build = {{build}} AND dt = {{dt}} AND flows > 0)
