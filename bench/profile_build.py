#!/usr/bin/env python3
"""Where the time of one cold build goes, in CPU seconds of one process.

    python3 bench/profile_build.py SITE [--html FILE]

Builds SITE (no search, its .cache/ and output removed first) in this process with
one worker (BUDGETSITE_WORKERS=1), so that every CPU second is counted here, and
prints the CPU seconds of each stage, of the work the build spreads over worker
processes when it has more than one core (the rest runs in the build process
alone), of a few named steps, and of each page kind. With --html, pyinstrument
(the test extras install it) also samples the build and writes its call tree to
FILE; sampling slows Python calls, so its shares lean towards call-heavy code.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["BUDGETSITE_WORKERS"] = "1"

from builder.core import parallel  # noqa: E402
from builder.outputs import data, links  # noqa: E402
from builder.publish import build as build_stage, swap  # noqa: E402
from builder.render import renderer  # noqa: E402
from builder.sources import check, discover, narrative  # noqa: E402

steps: dict[str, float] = collections.defaultdict(float)
kinds: dict[str, list] = collections.defaultdict(lambda: [0, 0.0, 0])


def timed(owner, name: str, label: str) -> None:
    """Count the CPU seconds of owner.name under `label`."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            steps[label] += time.process_time() - started
    setattr(owner, name, wrapper)


def spread(function, items, **options):
    """parallel.forked_map, counting the CPU seconds of the work it would spread."""
    label = "spread over workers: " + function.__qualname__.split(".")[0]
    results = parallel.forked_map(function, items, **options)
    while True:
        started = time.process_time()
        try:
            result = next(results)
        except StopIteration:
            return
        finally:
            steps[label] += time.process_time() - started
        yield result


def render_page(self, page):
    started = time.process_time()
    result = PAGE_RENDER(self, page)
    kind = kinds[page.template]
    kind[0] += 1
    kind[1] += time.process_time() - started
    kind[2] += len(result)
    return result


class CpuClock(build_stage._Clock):
    """The build's stage clock, in CPU seconds of this process."""

    def __init__(self):
        super().__init__()
        self._last = time.process_time()

    def __call__(self, stage: str) -> None:
        now = time.process_time()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._last
        self._last = now


PAGE_RENDER = renderer.Renderer.render


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--html", type=Path, help="write pyinstrument's call tree here")
    args = parser.parse_args()
    out = args.site / "public"
    for folder in (out, args.site / ".cache"):
        shutil.rmtree(folder, ignore_errors=True)
    build_stage._Clock = CpuClock
    renderer.Renderer.render = render_page
    for module in (discover, renderer, data):
        module.forked_map = spread
    timed(check, "load_yaml", "YAML")
    timed(narrative, "to_html", "Markdown to HTML")
    timed(links, "scan_bytes", "link scan of a page")
    timed(renderer, "page_keys", "page keys")
    timed(renderer.Renderer, "compile", "compiling templates")
    timed(swap.Output, "place", "writing a page")
    profiler = None
    if args.html:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.002)
        profiler.start()
    wall, cpu = time.perf_counter(), time.process_time()
    report = build_stage.build(build_stage.BuildConfig(args.site, out, search=False))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler:
        profiler.stop()
        args.html.write_text(profiler.output_html(), "utf-8")
    print(f"{report.pages:,} pages: {cpu:.2f} s CPU, {wall:.2f} s wall")
    print("CPU seconds by stage:")
    for stage, seconds in report.timings.items():
        if stage != "cache":  # (the clock's rest: wall time, not CPU)
            print(f"  {stage:<10} {seconds:7.2f}")
    print("CPU seconds of some steps:")
    for label, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        print(f"  {label:<45} {seconds:7.2f}")
    print("rendering, by page kind (template, pages, CPU seconds, ms a page, KiB a page):")
    for name, (count, seconds, size) in sorted(kinds.items(), key=lambda item: -item[1][1]):
        print(f"  {name:<32} {count:6,} {seconds:7.2f} {1000 * seconds / count:8.2f} "
              f"{size / count / 1024:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
