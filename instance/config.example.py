# Copy to instance/config.py and adjust. Environment variables OUTREACH_* override these values.
SECRET_KEY = "change-me-to-a-long-random-string"  # noqa: S105 - a placeholder to replace
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://outreach:secret@127.0.0.1:5432/outreach"
# SESSION_COOKIE_SECURE = True            # when served over HTTPS
# SESSION_COOKIE_NAME = "__Host-session"  # with SESSION_COOKIE_SECURE
# OUTREACH_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
# OUTREACH_REPORT_PAGE_SIZE = "F4"        # or "A4"
# OUTREACH_LOG_FORMAT = "json"            # one JSON object per log line, with the request id
# OUTREACH_METRICS_ALLOW = "127.0.0.1,10.0.9.0/24"  # who may read /metrics without an admin token
# OUTREACH_RETENTION_MONTHS = 24          # then `flask privacy purge` anonymises contacts, removes photos
# OUTREACH_TRUSTED_PROXIES = 1            # reverse proxies in front that add X-Forwarded-For (README)
# OUTREACH_LOGIN_MAX_FAILURES = 5         # per account from one address, in OUTREACH_LOGIN_WINDOW
# OUTREACH_LOGIN_MAX_FAILURES_PER_ADDRESS = 50
# OUTREACH_LOGIN_BACKOFF_AFTER = 10       # failures of one account from all addresses before the backoff
