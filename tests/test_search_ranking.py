"""Search ranks first the project a journalist names: on a 1,000-project corpus of
bench/make_corpus.py, for 50 projects drawn at random, the full Chinese name, the full
English name, a document number of the legal basis and an amount as printed each put
that project first (mean reciprocal rank 1.0), and a programme's name lists its years
first, newest first.

The ranking of exact things is search.js's own module (static/search/keys.js), run
here in Node over the key index the build writes (builder/outputs/search_keys.py):
the same code as in the browser, without a browser or Pagefind, so that it runs in CI
at 1,000 projects in seconds. tests/test_search.py checks in Chromium that the page
draws these hits first."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import random
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from builder.core import i18n
from builder.outputs import search_keys
from builder.sources import discover

REPO = Path(__file__).resolve().parent.parent
KEYS_JS = REPO / "site_templates" / "static" / "search" / "keys.js"
PROJECTS, DRAWN = 1000, 50
DOCUMENT = re.compile(r"（([^（）]+〔\d{4}〕\d+号)）")

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


def make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus's projects and its key index, written as a build writes it."""
    root = tmp_path_factory.mktemp("ranking")
    make_corpus().write_corpus(PROJECTS, root / "site")
    projects = discover.load_content(root / "site").projects
    index = root / "index"
    for name, data in search_keys.files(projects).items():
        path = index / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return projects, index


def ranked(index: Path, queries: list[tuple[str, str]]) -> list[list[str]]:
    """The project ids each (query, language) puts first, in order, by keys.js in Node."""
    script = f"""
import {{ KeyIndex }} from {json.dumps(KEYS_JS.as_uri())};
import {{ readFile }} from "node:fs/promises";
import {{ readFileSync }} from "node:fs";
const root = {json.dumps(str(index / search_keys.FOLDER))} + "/";
const keys = new KeyIndex(async (path) => {{
  try {{ return JSON.parse(await readFile(root + path, "utf8")); }} catch {{ return null; }}
}});
const queries = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const [query, lang] of queries) out.push((await keys.find(query, lang)).map((hit) => hit.id));
console.log(JSON.stringify(out));
"""
    result = subprocess.run(["node", "--input-type=module", "-e", script],
                            input=json.dumps(queries), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def printed_amount(project, rng: random.Random) -> str:
    """The budget-year amount as a page or a newspaper prints it."""
    yuan = project.funding.budget_year.yuan
    return rng.choice([
        i18n.yuan(yuan, "zh"),                          # 7,968,243.98元
        i18n.yuan(yuan, "en").replace("\u00a0", " "),   # CNY 7,968,243.98
        f"{yuan:.2f}",                                   # 7968243.98
        i18n.summary(yuan, "zh"),                       # 796.82万元
        i18n.summary(yuan, "en").replace("\u00a0", " "),  # CNY 7.97 million
    ])


def same_key(projects, project, value) -> list[str]:
    """The projects sharing what names `project` (a programme's years, or an amount that
    two projects round to), newest year first, as they must come first together."""
    group = [p for p in projects if value(p) == value(project)]
    return [p.key for p in sorted(group, key=lambda p: (-p.year, p.key))]


def reciprocal_rank(found: list[str], group: list[str], key: str, rounded=False) -> float:
    """1 when the projects sharing the key come first, in order (in any order for a
    rounded amount: one whose exact amount it is comes before those it rounds), `key`
    among them."""
    if key not in found:
        return 0.0
    if found[:len(group)] == group or (rounded and set(found[:len(group)]) == set(group)):
        return 1.0
    return 1.0 / (found.index(key) + 1)


def test_names_numbers_and_amounts_put_their_project_first(corpus):
    projects, index = corpus
    rng = random.Random(27)
    drawn = rng.sample(projects, DRAWN)
    cases = []
    for project in drawn:
        document = DOCUMENT.search(project.basis.zh).group(1)
        amount = printed_amount(project, rng)
        cases += [
            ("zh name", project.name.zh, "zh", project, lambda p: p.name.zh),
            ("en name", project.name.en, "en", project, lambda p: p.name.en),
            ("document", document, rng.choice(["zh", "en"]), project,
             lambda p: DOCUMENT.search(p.basis.zh).group(1)),
            ("amount", amount, rng.choice(["zh", "en"]), project,
             lambda p, a=amount: search_keys.amount_key(search_keys.normalise(a))
             in search_keys.amount_keys(p.funding.budget_year.yuan)),
        ]
    results = ranked(index, [(query, lang) for _, query, lang, _, _ in cases])
    ranks: dict[str, list[float]] = {}
    misses = []
    for (kind, query, lang, project, value), found in zip(cases, results):
        if kind == "amount":
            group = [p.key for p in sorted((p for p in projects if value(p)),
                                           key=lambda p: (-p.year, p.key))]
        else:
            group = same_key(projects, project, value)
        rank = reciprocal_rank(found, group, project.key, rounded=kind == "amount")
        ranks.setdefault(kind, []).append(rank)
        if rank < 1:
            misses.append((kind, query, lang, project.key, found[:3]))
    mrr = {kind: sum(r) / len(r) for kind, r in ranks.items()}
    assert not misses, (mrr, misses[:5])
    assert mrr == {"zh name": 1.0, "en name": 1.0, "document": 1.0, "amount": 1.0}


def test_a_programme_name_lists_its_years_newest_first(corpus):
    projects, index = corpus
    programmes = [p for p in projects if p.continues][:10]
    assert len(programmes) == 10
    results = ranked(index, [(p.name.zh, "zh") for p in programmes] +
                     [(p.name.en, "en") for p in programmes])
    for project, found in zip(programmes * 2, results):
        years = [int(key.split("/")[1]) for key in found]
        assert len(found) >= 2 and project.key in found and project.continues in found
        assert years == sorted(years, reverse=True)


def test_every_printed_form_of_an_amount_finds_it(corpus):
    projects, index = corpus
    project = projects[0]
    yuan = project.funding.budget_year.yuan
    forms = [i18n.yuan(yuan, "zh"), i18n.yuan(yuan, "en"), f"{yuan:.2f}", f"{yuan:,.2f}",
             f"{yuan:.2f}元", i18n.summary(yuan, "zh"), i18n.summary(yuan, "en"),
             i18n.summary(yuan, "zh").replace("万元", "万"),
             f"RMB {yuan / 1_000_000:.2f} million", f"{yuan / 1_000_000:.2f}m",
             # full-width digits, as an input method may type them
             i18n.summary(yuan, "zh").translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))]
    results = ranked(index, [(form, lang) for form in forms for lang in ("zh", "en")])
    for (form, found) in zip([f for f in forms for _ in (0, 1)], results):
        assert project.key in found, form


def test_a_query_that_names_nothing_finds_no_exact_hit(corpus):
    _, index = corpus
    assert ranked(index, [("森林防火", "zh"), ("medical", "en"), ("1", "zh"),
                          ("", "en")]) == [[], [], [], []]


def test_the_key_index_stays_small(corpus):
    """What one exact query downloads: the index file, one key shard and one row shard."""
    _, index = corpus
    folder = index / search_keys.FOLDER
    keys = [path.stat().st_size for path in (folder / "k").glob("*.json")]
    rows = [path.stat().st_size for lang in ("zh", "en") for path in (folder / lang).glob("*.json")]
    assert max(keys) < 2 * search_keys.SHARD_BYTES
    assert max(rows) < 2 * search_keys.ROW_SHARD_BYTES


def test_the_rows_print_amounts_as_the_pages_do(corpus):
    """The key index writes rounded amounts without Babel, for speed: as i18n does."""
    projects, _ = corpus
    amounts = [p.funding.budget_year.yuan for p in projects] + \
        [Decimal(v) for v in ("0.01", "999999.995", "99999999.99", "100000000", "123456789012.34",
                              "-272990")]
    for yuan in amounts:
        for lang in ("zh", "en"):
            assert search_keys.summary(yuan, lang) == i18n.summary(yuan, lang), yuan


def test_an_unchanged_project_keeps_its_keys_from_the_cache(corpus, tmp_path, monkeypatch):
    """A build works out the keys of the projects whose sources changed, the others'
    come from the build cache; the files are the same either way."""
    from builder.core.cache import Cache
    projects, _ = corpus
    projects = projects[:100]
    first = Cache(tmp_path)
    whole = search_keys.files(projects, first)
    first.save()
    edited = dataclasses.replace(projects[0], digest="0" * 64,
                                 name=dataclasses.replace(projects[0].name, zh="改过的名称"))
    worked_out = []
    real = search_keys.project_keys
    monkeypatch.setattr(search_keys, "project_keys", lambda p: worked_out.append(p.key) or real(p))
    again = search_keys.files(projects, Cache(tmp_path))
    assert again == whole and worked_out == []
    changed = search_keys.files([edited, *projects[1:]], Cache(tmp_path))
    assert worked_out == [edited.key]
    assert changed == search_keys.files([edited, *projects[1:]])
    assert changed != whole
