"""Voice and video calls in DMs and rooms: a pure call state machine (machine.py), call state in the
Cache port (store.py), the use cases and their authorization (service.py), the calls hub that carries
signalling over the one socket (hub.py), and the ICE servers route (routes.py). docs/calls.md.

May import: core, db, cache, realtime (ports), and the chat and accounts services.
"""
