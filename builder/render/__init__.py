"""Pages from templates: a Jinja2 environment per language, page keys, charts."""
