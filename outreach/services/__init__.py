"""The domain layer shared by the web forms, the JSON API and the CLI. Services flush; the edge commits."""
