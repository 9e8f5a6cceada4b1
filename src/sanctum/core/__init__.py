"""Pure kernel: errors, ids, clock, pagination and security primitives.

Imports nothing else of sanctum; everything else may import it.
"""
