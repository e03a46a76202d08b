"""The site model: the content, its URLs and groupings, its history, and what is
worked out once from them (programmes, the scorecard).

It sits at the bottom of site/: every module that makes pages reads a `Site`, and
this module imports none of them, not even for a type annotation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from builder.core.errors import ContentError
from builder.core.model import Content, Project
from builder.history.log import History
from builder.site import groupings, programmes, scorecard
from builder.site.groupings import Groupings
from builder.site.urls import Urls, district_clashes


@dataclass(frozen=True)
class Site:
    content: Content
    urls: Urls
    groups: Groupings
    history: History | None = None  # None: not built from a git checkout
    # Scores of projects by digest, kept by the live engine from one model to the next.
    scores: dict = field(default_factory=dict, compare=False, repr=False)
    # A shard's model holds only its districts' projects and their programmes': the
    # (district, year) of every dated project it does not hold, so that its pages link
    # the feeds a whole build's pages link (feeds.announcer, publish/shard.py).
    elsewhere: frozenset = field(default=frozenset(), compare=False, repr=False)

    @property
    def projects(self) -> tuple[Project, ...]:
        return self.content.projects

    @functools.cached_property
    def programmes(self) -> tuple[programmes.Programme, ...]:
        """Projects followed across years by their `continues:` links (programmes.py)."""
        return programmes.programmes(self.projects)

    @functools.cached_property
    def programme_of(self) -> dict[str, programmes.Programme]:
        """Each project key in a programme → that programme."""
        return {p.key: prog for prog in self.programmes for p in prog.projects}

    @functools.cached_property
    def scorecard(self) -> scorecard.Scorecard:
        """Scored once: the scorecard pages and the open data both show it."""
        return scorecard.score_site(self.projects, self.scores)


def make_site(content: Content, base_path: str | None = None,
              history: History | None = None, elsewhere: frozenset = frozenset()) -> Site:
    """The site model of `content`. Raises ContentError for a district whose slug one of
    the site's own pages takes (the sources cannot know the URLs)."""
    clashes = district_clashes(content.districts)
    if clashes:
        raise ContentError(clashes)
    config = content.config
    return Site(content, Urls(base_path if base_path is not None else config.base_path,
                              config.base_url), groupings.group(content), history,
                elsewhere=elsewhere)
