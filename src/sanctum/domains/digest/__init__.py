"""The email digest of missed mentions: a periodic round (scheduler.py) that queues one job per user
(service.py), which emails the mentions they left unread (emails.py). May import infrastructure and the
services of accounts, notifications and preferences; chat is reached through a callable main wires."""
