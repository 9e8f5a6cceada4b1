"""Moderation: managing roles, reading the audit log, mutes, bans and account suspensions.

The top of the domain stack: it imports the roles, audit, accounts, chat and sanctums services and
is imported by nothing but main.py and services.py. Each use case decides with `Authorizer.require`
and records what it did in the audit log in the same unit of work.
"""
