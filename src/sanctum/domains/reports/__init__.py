"""Reports: anyone reports a message, post, comment or person; moderators review them in a queue.

Imports infrastructure (`db`) and the services of accounts, chat, posts and sanctums; registered by
main.py.
"""
