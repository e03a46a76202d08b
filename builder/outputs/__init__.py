"""The files beside the pages: open data, search index parts, site map, link check."""
