"""Link previews: the Open Graph (or oEmbed) card of the first links of a message, fetched through the
guarded client (`sanctum.net.fetch`), cached 24 h, its image re-encoded and served by Sanctum.

May import core, db, cache, net, jobs, observability, and the preferences domain (a user's choice);
chat asks it for cards, it never imports chat. docs/previews.md.
"""
