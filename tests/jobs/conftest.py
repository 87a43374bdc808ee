"""Fixtures of the job tests: the API's token clients (shared with tests/api)."""

from tests.api.conftest import api_as, make_token

__all__ = ["api_as", "make_token"]
