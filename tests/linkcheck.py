"""Walk a built site the way a crawler would: every internal link must resolve.

The checking is builder/links.py, the same code the build runs before it swaps
a new site in (there is one link checker); this keeps the helper the tests
import: `from linkcheck import broken_links`.
"""

from __future__ import annotations

from pathlib import Path

from builder.outputs import links
from builder.site.urls import Urls

# Without the site's base URL, absolute links count as links elsewhere.
NO_BASE_URL = "https://base-url.invalid"


def broken_links(out: Path, base_path: str = "/", base_url: str | None = None) -> list[str]:
    """Every internal link or anchor in `out` that leads nowhere, as readable lines
    ('zh/index.html:3:5: link: warning: /zh/missing/: there is no …')."""
    urls = Urls(base_path, base_url or NO_BASE_URL)
    return [str(problem).removeprefix("./") for problem in links.check(out, urls, ".")]
