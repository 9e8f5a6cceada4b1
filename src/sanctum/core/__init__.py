"""Pure kernel: errors, ids, clock, pagination, security primitives, user markdown and the text policy.

Imports nothing else of sanctum; everything else may import it.
"""
