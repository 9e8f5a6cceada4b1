"""The HTTP plumbing every domain shares: errors, middleware, health and metrics."""
