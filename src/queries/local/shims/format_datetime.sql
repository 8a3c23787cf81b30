-- Trino format_datetime(timestamp, format) with Joda specifiers (yyyy-MM-dd HH:mm:ss).
CREATE MACRO format_datetime(ts, fmt) AS strftime(ts, flowlog_joda_format(fmt))
