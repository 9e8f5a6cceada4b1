"""The API contract: the committed OpenAPI document and fuzzing the app against it."""
