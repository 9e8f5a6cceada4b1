"""HTTP plumbing shared by every domain: the error envelope, request middleware, health and metrics.

Infrastructure: imports `sanctum.core`, `sanctum.settings`, `sanctum.observability`; never a domain.
"""
