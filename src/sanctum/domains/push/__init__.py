"""Web Push (RFC 8030, 8291 aes128gcm, 8292 VAPID): the server's key pair, browsers' subscriptions, and
the job that encrypts and posts a notification to each subscription's push service.

May import core, db, jobs, realtime's Publisher port and settings; nothing of another domain.
"""
