"""One way to write a time on every page, the admin's included: `2026-12-04 20:26`, in the site's zone (which each
page names once). The API answers ISO 8601 in UTC."""

DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
