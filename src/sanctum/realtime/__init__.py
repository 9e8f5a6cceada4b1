"""The realtime gateway: one WebSocket per tab, ticket auth, topics, hubs, gap-free delivery.

Transport only: it imports `core`, `db`, `broker` and `observability`, never a domain. Domains
plug in as hubs (see `hub.py`) and publish persistent events through `eventlog.append_event` and
`Gateway.publish`. The wire protocol is documented in docs/realtime.md.
"""
