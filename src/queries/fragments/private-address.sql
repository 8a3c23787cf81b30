-- The private and special-use address ranges, one pattern for every rule: a report query writes
-- regexp_like(address, {{private_address}}) and the report job puts this string literal there.
-- IPv4: 10/8, 127/8, 169.254/16, 192.168/16, 172.16/12 (172.16-172.31), 100.64/10 (100.64-100.127).
-- IPv6: fc00::/7 (fc and fd), fe80::/10 (fe8, fe9, fea, feb), ::1. Letters in either case.
'^(10\.|127\.|169\.254\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|[fF][cCdD][0-9a-fA-F]{2}:|[fF][eE][89aAbB][0-9a-fA-F]:|::1$)'
