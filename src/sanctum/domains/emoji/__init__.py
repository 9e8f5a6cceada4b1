"""Custom emoji of a sanctum: a `:shortcode:` name and the uploaded image it shows (docs/files.md,
"Custom emoji"). Above the files and sanctums domains, whose services it calls; nothing imports it
but the composition root."""
