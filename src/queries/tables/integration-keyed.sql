-- A raw table keyed as the console's Athena integration keys it (aws-account-id, aws-service,
-- aws-region, year, month, day[, hour]), read with the keys every saved query, relation and rollup
-- uses (dt 'YYYY/MM/DD', and aws_account, aws_region with several sources). The year, month and
-- day lists ({{years}} ...) cover the days asked for, as plain partition-key filters Athena can
-- prune with before the derived dt is compared.
(SELECT {{columns}} FROM {{table}} WHERE year IN ({{years}}) AND month IN ({{months}}) AND day IN ({{days}}))
