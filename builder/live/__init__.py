"""The preview: an engine that keeps the site in memory, and its server."""
