"""One input definition per concept (pydantic v2): types, bounds and wire names, declared once.

Forms, the API, the importer and the CLI build these; the OpenAPI document is generated from them
(:func:`outreach.services.schema.openapi.component_schemas`). See docs/ARCHITECTURE.md, "One definition per
concept", for where each concept lives.
"""

from .base import MAX_COUNT, MAX_LIST, Schema, invalid, parse, partial, schema_ref

__all__ = ["MAX_COUNT", "MAX_LIST", "Schema", "invalid", "parse", "partial", "schema_ref"]
