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
# Upload bounds and four-eyes (issue 13); the defaults are shown.
# OUTREACH_PHOTO_MAX_FILES = 10                    # photos per request
# OUTREACH_PHOTO_MAX_TOTAL_PIXELS = 150_000_000    # summed over a request's photos
# OUTREACH_IMPORT_MAX_ROWS = 5_000                 # blank rows included
# OUTREACH_IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# OUTREACH_IMPORT_MAX_PARTS = 100
# OUTREACH_IMPORT_MAX_COLUMNS = 100
# OUTREACH_IMPORT_MAX_CELLS = 250_000
# OUTREACH_IMPORT_MAX_TEXT_CHARS = 32_767
# OUTREACH_ALLOW_SELF_VERIFY = False               # True only for units too small to have two commanders
