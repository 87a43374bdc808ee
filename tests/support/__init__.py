"""Helpers shared by the test suite: not test modules, so any test may import them (tests never import
each other). ``tests.support.app`` holds the one app factory every conftest uses."""
