"""Observability: structured logging and Prometheus metrics.

Infrastructure: imports only `sanctum.core` and `sanctum.settings`, never a domain.
"""
