"""The `budgetsite` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import builder
from builder.core import codes, messages
from builder.core.errors import ConfigError, ContentError, SiteError
from builder.publish.build import BuildConfig, build
from builder.publish.lock import DEFAULT_WAIT


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ContentError as err:
        _print_problems(err.problems, args)
        errors = sum(1 for p in err.problems if not p.warning)
        print(messages.summary(errors, len(err.problems) - errors, _lang(args)), file=sys.stderr)
        return 1
    except SiteError as err:
        print(f"budgetsite: {err}", file=sys.stderr)
        return 1
    except Exception as err:
        if not _is_template_error(err):
            raise
        from builder.render import renderer as render
        lang = _lang(args)
        print(render.template_problem(err, args.root.resolve(), lang), file=sys.stderr)
        print("budgetsite：模板有错误；没有写入任何文件" if lang == "zh" else
              "budgetsite: a template is broken; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("budgetsite：已中断；输出文件夹保持原样" if _lang(args) == "zh" else
              "budgetsite: interrupted; the output folder was left as it was", file=sys.stderr)
        return 130


def _is_template_error(err: Exception) -> bool:
    """Jinja2 is imported only by the commands that render; so is its error class."""
    jinja2 = sys.modules.get("jinja2")
    return jinja2 is not None and isinstance(err, jinja2.TemplateError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budgetsite", description=__doc__)
    parser.add_argument("--version", action="version",
                        version=f"budgetsite {builder.version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _init_command(commands)

    def command(name: str, run, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--root", type=Path, default=Path("."),
                         help="the site folder holding content/ (default: here)")
        sub.add_argument("--lang", choices=messages.LANGS,
                         help="the language of problem messages: zh or en (default: the "
                              "terminal's locale, LANG)")
        sub.set_defaults(run=run)
        return sub

    b = command("build", _build, "build the site from content/ into public/")
    b.add_argument("--out", type=Path, help="output folder (default: ROOT/public)")
    b.add_argument("--base-path", help="serve under this path, e.g. /budget/ "
                                       "(default: base_path in site.yaml)")
    _strict_option(b)
    b.add_argument("--no-search", dest="search", action="store_false",
                   help="skip the search index (faster; the search pages will find nothing)")
    b.add_argument("--timings", action="store_true",
                   help="print the seconds each stage of the build took")
    b.add_argument("--no-cache", dest="cache", action="store_false",
                   help="build from scratch, without reading or writing ROOT/.cache/")
    b.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                   help="how long to wait for another build of the same site to finish "
                        f"before giving up (default: {DEFAULT_WAIT:.0f}; 0: give up at once)")
    b.add_argument("--shard", metavar="K/N", type=_shard_spec,
                   help="build only the K-th of N shards of the site's districts into --out, "
                        "for budgetsite merge (docs/scaling.md)")
    b.add_argument("--shards", metavar="N", type=int,
                   help="build the site in N shards, then merge them into --out")
    b.add_argument("--jobs", metavar="J", type=int, default=1,
                   help="with --shards: how many shards to build at once (default: 1, one "
                        "after another, so that the site needs the memory of one shard)")
    m = command("merge", _merge, "merge the shards built by build --shard into one site")
    m.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="the shard folders")
    m.add_argument("--out", type=Path, help="output folder (default: ROOT/public)")
    _strict_option(m)
    m.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                   help="how long to wait for another build of the same site to finish")
    m.add_argument("--timings", action="store_true",
                   help="print the seconds each stage of the merge took")
    c = command("check", _check, "validate content/ without writing anything")
    _strict_option(c)
    c.add_argument("--translations", action="store_true",
                   help="list, per project, the texts that have no English yet")
    _staff_commands(command)
    return parser


def _init_command(commands) -> None:
    """`init` makes a site folder rather than working in one: it has no --root."""
    help_text = ("start a new site repository in DIR: content/site.yaml and "
                 "districts.yaml to fill in, .gitignore, the publishing workflow, a README")
    i = commands.add_parser("init", help=help_text, description=help_text)
    i.add_argument("dir", type=Path, metavar="DIR",
                   help="the new site's folder (made if missing; must not hold those files)")
    i.add_argument("--shards", type=int, metavar="N",
                   help="a publishing workflow that builds the site in N shards on N CI "
                        "runners and merges them (docs/scaling.md)")
    i.set_defaults(run=_init)
def _strict_option(sub: argparse.ArgumentParser) -> None:
    def codes_given(text: str) -> tuple[str, ...]:
        try:
            return codes.strict_codes(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    sub.add_argument("--strict", nargs="?", const=True, default=False, type=codes_given,
                     metavar="CODE,…", help="treat warnings as errors: all of them, or "
                     "those of the codes given (docs/problems.md lists them)")


def _staff_commands(command) -> None:
    """The commands for staff: preview, scaffold, import, editor schema."""
    s = command("serve", _serve, "preview the site at http://127.0.0.1:8000/, rebuilding "
                                 "and reloading the page whenever a source file changes")
    s.add_argument("--port", type=int, default=8000, help="port to serve on (default: 8000)")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to serve on (default: 127.0.0.1, this computer only)")
    n = command("new", _new, "create content/projects/DISTRICT/YEAR/SLUG/ with every field "
                             "to fill in")
    n.add_argument("district", help="district key from content/districts.yaml, e.g. wuhua")
    n.add_argument("year", type=int, help="budget year, e.g. 2026")
    n.add_argument("slug", help="the project's name in URLs: lowercase letters, digits, "
                                "hyphens, e.g. urban-rural-medical-assistance")
    i = command("import", _import, "project folders from the office's published documents "
                                   "(PDF, .xlsx/.xls, .docx/.doc, .html, text)")
    i.add_argument("files", type=Path, nargs="+", metavar="FILE",
                   help="documents, or folders of documents (read on all cores)")
    i.add_argument("--district", help="district key, where the document does not say")
    i.add_argument("--year", type=int, help="budget year, where the document does not say")
    i.add_argument("--name", help="the project's name, where the document gives none")
    i.add_argument("--slug", help="the project's name in URLs (default: the pinyin of its "
                                  "name); one file of one project only")
    i.add_argument("--layout", help="force a layout (kunming, shanghai) instead of "
                                    "recognising it")
    i.add_argument("--dry-run", action="store_true",
                   help="write nothing; show what would be written")
    i.add_argument("--update", action="store_true",
                   help="write the changes of a document imported before (shown otherwise)")
    m = command("schema", _schema, "write the JSON Schema of project.yaml for editors")
    m.add_argument("--out", help="where to write it (default: ROOT/schema/project.schema.json; "
                                 "- for the terminal)")


def _lang(args) -> str:
    """--lang, else the terminal's locale."""
    return getattr(args, "lang", None) or messages.from_environment()


def _print_problems(problems, args) -> None:
    lang = _lang(args)
    for problem in problems:
        print(messages.line(problem, lang), file=sys.stderr)


def _shard_spec(text: str):
    from builder.publish.shard import parse_spec
    try:
        return parse_spec(text)
    except SiteError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _build(args) -> int:
    out = args.out or args.root / "public"
    if args.shards is not None:
        return _build_shards(args, out)
    config = BuildConfig(args.root, out, args.base_path, args.strict, search=args.search,
                         cache=args.cache, wait=args.wait, shard=args.shard)
    report = build(config)
    _print_problems(report.warnings, args)
    _print_timings(args, report.timings)
    shard = None if args.shard is None else str(args.shard)
    if report.unchanged:
        print(messages.unchanged(report.pages, report.files, out, report.seconds,
                                 len(report.warnings), _lang(args), shard))
    else:
        print(messages.built(report.pages, report.files, report.written, out, report.seconds,
                             len(report.warnings), _lang(args), shard))
    return 0


def _print_timings(args, timings: dict[str, float]) -> None:
    if args.timings:
        for stage, seconds in timings.items():
            print(f"  {stage:<12} {seconds:7.3f} s")


def _build_shards(args, out: Path) -> int:
    """`build --shards N`: each shard by its own process, as a CI runner would build it,
    then the merge."""
    from builder.publish import merge, shard
    if args.shard is not None or args.shards < 1 or args.jobs < 1:
        raise ConfigError("give either --shard K/N or --shards N (N ≥ 1, --jobs ≥ 1)")
    specs = [shard.ShardSpec(k, args.shards) for k in range(1, args.shards + 1)]
    folders = shard.build_all(args.root, specs, args.jobs, _shard_options(args))
    report = merge.merge(merge.MergeConfig(tuple(folders), out, args.root, args.strict,
                                           args.wait))
    _print_problems(report.warnings, args)
    _print_timings(args, report.timings)
    print(messages.merged(args.shards, report.pages, report.files, out, report.seconds,
                          len(report.warnings), _lang(args)))
    return 0


def _shard_options(args) -> list[str]:
    """The options of `build --shards` that each shard's build is given."""
    options = [] if args.search else ["--no-search"]
    options += [] if args.cache else ["--no-cache"]
    options += [] if args.base_path is None else ["--base-path", args.base_path]
    if args.strict:
        options += ["--strict"] if args.strict is True else ["--strict", ",".join(args.strict)]
    return options + ["--wait", str(args.wait)]


def _merge(args) -> int:
    from builder.publish import merge
    out = args.out or args.root / "public"
    report = merge.merge(merge.MergeConfig(tuple(args.dirs), out, args.root, args.strict,
                                           args.wait))
    _print_problems(report.warnings, args)
    _print_timings(args, report.timings)
    print(messages.merged(len(args.dirs), report.pages, report.files, out, report.seconds,
                          len(report.warnings), _lang(args)))
    return 0


def _check(args) -> int:
    from builder.site import structure
    from builder.sources import discover, translations
    content = discover.load_content(args.root)
    structure.make_site(content)  # what only the site's URLs show (a reserved slug)
    if args.translations:
        print("\n".join(translations.report(content)))
        return 0
    _print_problems(content.warnings, args)
    failing = codes.failing(content.warnings, args.strict)
    if failing:
        print(messages.strict_failed(len(failing), _lang(args)), file=sys.stderr)
        return 1
    print(messages.checked(len(content.projects), len(content.warnings), _lang(args)))
    return 0


def _serve(args) -> int:
    from builder.live.serve import (
        serve,  # tornado and livereload load only for the preview
    )

    return serve(args.root, args.port, args.host, _lang(args))


def _init(args) -> int:
    from builder.tools import init
    written = init.new_site(args.dir, args.shards)
    print(f"budgetsite: started a site in {args.dir}: " + ", ".join(written) + "\n"
          f"  next: in {args.dir}, fill in content/site.yaml and content/districts.yaml "
          f"(replace every 【…】 and [...]), then run budgetsite check; README.md there "
          f"has the steps after that")
    if init.source(init.PACKAGE)[0].startswith("budgetsite @ file:"):
        print("  note: requirements.txt names budgetsite by a path on this computer, "
              "which the publishing workflow cannot install; its comment says what to "
              "write instead")
    return 0


def _new(args) -> int:
    from builder.tools import scaffold
    folder = scaffold.new_project(args.root, args.district, args.year, args.slug)
    shown = folder.relative_to(args.root).as_posix()
    print(f"budgetsite: created {shown}/ with project.yaml, zh.md and en.md\n"
          f"  next: fill in project.yaml and zh.md, then run budgetsite check "
          f"(it names every field that is still empty)")
    return 0


def _import(args) -> int:
    from builder.tools import importer
    options = importer.Options(args.district, args.year, args.slug, args.name, args.layout,
                               args.dry_run, args.update)
    lang = _lang(args)
    reports = importer.run(args.root, args.files, options, lang)
    for line in importer.report_lines(args.root, reports, options, lang):
        print(line, file=sys.stderr if isinstance(line, importer.Diagnostic) else sys.stdout,
              flush=True)
    for line in importer.summary_lines(reports, lang):
        print(line)
    failed = any(r.error for r in reports) or any(
        p.problems or any(not importer.is_warning(n.code) for n in p.found.notes)
        for r in reports for p in r.projects)
    closing = importer.closing_line(failed, args.dry_run, lang)
    if closing:
        print(closing, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _schema(args) -> int:
    from builder.sources import schema
    from builder.tools import scaffold
    text = schema.json_text()
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.out) if args.out else args.root / scaffold.SCHEMA_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"budgetsite: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
