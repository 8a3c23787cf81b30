-- Trino date_format(timestamp, format) with MySQL specifiers (%Y-%m-%d %H:%i:%s).
CREATE MACRO date_format(ts, fmt) AS strftime(ts, flowlog_mysql_format(fmt))
