"""Views of the dashboard blueprint."""
