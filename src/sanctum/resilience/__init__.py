"""Failure handling shared by the infrastructure: circuit breakers (breaker.py) and the guarded Redis
connection every Redis client of an instance uses (redis.py).

May import: core, observability. Never a domain.
"""
