"""Product domains. Each is a package of routes, service, repository, models, schemas and events.

A domain may import infrastructure and other domains' services, never another domain's repository.
"""
