"""The site model: groupings, pages and URLs, scorecard, programmes, feeds."""
