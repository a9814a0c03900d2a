"""Publishing: the public careers page, its feeds and sitemap, and the life of a posting
(publish, replace, close at its closing date, reopen). docs/publishing.md."""
