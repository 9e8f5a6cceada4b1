"""Roles and permissions: the named permissions, the built-in roles at site and sanctum scope, custom
sanctum roles (data), and `Authorizer.require`, the one authorization function every service calls.

Imports the accounts service (for `Actor`) and infrastructure; chat, sanctums, posts and moderation
import it. It never imports them.
"""
