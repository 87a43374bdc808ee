"""Blueprint "ops": what the service manager, the load balancer and Prometheus poll — /healthz, /readyz, /metrics."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from outreach.ops import views  # noqa: E402,F401  (routes register on import)
