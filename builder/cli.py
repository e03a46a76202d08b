"""The `budgetsite` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import validate
from .build import BuildConfig, build
from .errors import ContentError, SiteError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ContentError as err:
        _print_problems(err.problems)
        errors = sum(1 for p in err.problems if not p.warning)
        print(f"budgetsite: {errors} error(s), {len(err.problems) - errors} warning(s); "
              f"nothing was written", file=sys.stderr)
        return 1
    except SiteError as err:
        print(f"budgetsite: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("budgetsite: interrupted; the output folder was left as it was", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budgetsite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--root", type=Path, default=Path("."),
                         help="the site folder holding content/ (default: here)")
        sub.set_defaults(run=run)
        return sub

    b = command("build", _build, "build the site from content/ into public/")
    b.add_argument("--out", type=Path, help="output folder (default: ROOT/public)")
    b.add_argument("--base-path", help="serve under this path, e.g. /budget/ "
                                       "(default: base_path in site.yaml)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--no-search", dest="search", action="store_false",
                   help="skip the search index (faster; the search pages will find nothing)")
    c = command("check", _check, "validate content/ without writing anything")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _build(args) -> int:
    out = args.out or args.root / "public"
    report = build(BuildConfig(args.root, out, args.base_path, args.strict,
                                search=args.search))
    _print_problems(report.warnings)
    print(f"budgetsite: wrote {report.pages} pages ({report.files} files) to {out} "
          f"in {report.seconds:.2f} s; {len(report.warnings)} warning(s)")
    return 0


def _check(args) -> int:
    content = validate.load_content(args.root)
    _print_problems(content.warnings)
    if args.strict and content.warnings:
        print(f"budgetsite: {len(content.warnings)} warning(s), failing because of --strict",
              file=sys.stderr)
        return 1
    print(f"budgetsite: {len(content.projects)} project(s) checked, no errors, "
          f"{len(content.warnings)} warning(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
