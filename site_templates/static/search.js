// The search page: Pagefind's JS API behind a small form whose state lives in
// the URL (?q=…&district=…&sort=…), so a search can be shared, bookmarked and
// restored with Back. Without this file the page shows links to browse instead.

const FILTERS = ["district", "year", "band", "unit", "funds", "level1", "level2"];
// A project has one district, year, unit and source of funds: choosing two
// values of these means "either". It may have several indicator categories:
// choosing two of those means "both".
const EITHER = new Set(["district", "year", "band", "unit", "funds"]);
const SORTS = {
  "amount-desc": { amount: "desc" },
  "amount-asc": { amount: "asc" },
  "year-desc": { year: "desc" },
  "year-asc": { year: "asc" },
};
const PAGE_SIZE = 20;
// Runs of Chinese (and Japanese or Korean) characters in a query.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const PHONE = window.matchMedia("(max-width: 40rem)");

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const query = document.getElementById("search-q");
const fallback = document.querySelector("[data-search-fallback]");
const filtersBox = root.querySelector("[data-search-filters]");
const filtersPanel = root.querySelector("[data-search-filters-panel]");
const chosenCount = root.querySelector("[data-search-chosen]");
const statusLine = root.querySelector("[data-search-status]");
const resultsList = root.querySelector("[data-search-results]");
const moreButton = root.querySelector("[data-search-more]");
const clearButton = root.querySelector("[data-search-clear]");
const otherBox = root.querySelector("[data-search-other]");
const otherTitle = root.querySelector("[data-search-other-title]");
const otherList = root.querySelector("[data-search-other-results]");
const help = root.querySelector("[data-search-help]");
const downloadButton = root.querySelector("[data-search-download]");
const lang = document.documentElement.lang;
const indexLanguage = lang.toLowerCase();  // Pagefind's code for this page's index
// The other language: its <html lang>, its index, and the letters that send a query there
// (Latin letters on the Chinese page, Chinese characters on the English page).
const OTHER = indexLanguage === "en"
  ? { lang: "zh-CN", index: "zh-cn", folder: "zh", letters: /\p{Script=Han}/u }
  : { lang: "en", index: "en", folder: "en", letters: /\p{Script=Latin}/u };
const FOLDER = indexLanguage === "en" ? "en" : "zh";
const collator = new Intl.Collator(lang, { numeric: true });
const messages = {};
root.querySelectorAll("[data-msg]").forEach((el) => { messages[el.dataset.msg] = el.textContent; });

let pagefind = null;
let names = {};       // per filter: this language's name -> the other language's, and back
let everyValue = {};  // every filter value of this language's index, with its page count
let shown = null;     // what the current search found, drawn PAGE_SIZE at a time
let generation = 0;   // only the newest search may draw

function say(key, values = {}) {
  return messages[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// ---- the URL is the state -------------------------------------------------

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const chosen = {};
  FILTERS.forEach((key) => {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) chosen[key] = values;
  });
  return { q: (params.get("q") || "").trim(), sort: SORTS[params.get("sort")] ? params.get("sort") : "", chosen };
}

function stateFromForm() {
  const data = new FormData(form);
  const chosen = {};
  FILTERS.forEach((key) => {
    const values = data.getAll(key).map(String);
    if (values.length) chosen[key] = values;
  });
  return { q: String(data.get("q") || "").trim(), sort: String(data.get("sort") || ""), chosen };
}

function urlFor(state, path = window.location.pathname) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  FILTERS.forEach((key) => (state.chosen[key] || []).forEach((v) => params.append(key, v)));
  if (state.sort) params.set("sort", state.sort);
  const search = params.toString();
  return path + (search ? "?" + search : "");
}

function remember(state, replace) {
  const url = urlFor(state);
  if (url !== window.location.pathname + window.location.search) {
    window.history[replace ? "replaceState" : "pushState"](null, "", url);
  }
  carrySearch();
}

// Filter values are names in the page's language (五华区, Wuhua District). A name of the
// other language's (from an older link) is translated; a value this index does not have
// is dropped, not searched for.
function known(state) {
  const chosen = {};
  Object.entries(state.chosen).forEach(([key, values]) => {
    const kept = values.map((v) => (everyValue[key] && v in everyValue[key] ? v : translated(key, v, "back")))
      .filter((v) => v && everyValue[key] && v in everyValue[key]);
    if (kept.length) chosen[key] = [...new Set(kept)];
  });
  return { ...state, chosen };
}

// A filter value in the other language ("there"), or from it ("back"); a year is both.
function translated(key, value, way = "there") {
  const table = names[way] && names[way][key];
  return table && table.has(value) ? table.get(value) : value;
}

function inOtherLanguage(chosen) {
  const other = {};
  Object.entries(chosen).forEach(([key, values]) => { other[key] = values.map((v) => translated(key, v)); });
  return other;
}

// names.json holds [Chinese, English] pairs per filter.
function readNames(table) {
  const mine = FOLDER === "zh" ? 0 : 1;
  const there = {};
  const back = {};
  Object.entries(table).forEach(([key, pairs]) => {
    there[key] = new Map(pairs.map((pair) => [pair[mine], pair[1 - mine]]));
    back[key] = new Map(pairs.map((pair) => [pair[1 - mine], pair[mine]]));
  });
  return { there, back };
}

// The same search on the other language's page (the language switch's address), with
// the filters in its names.
function otherUrl(state) {
  const other = document.querySelector(".lang-switch a[data-keep-hash]");
  if (!other) return null;
  return urlFor({ ...state, chosen: inOtherLanguage(state.chosen) }, other.getAttribute("href").split(/[?#]/)[0]);
}

// The language switch takes the search along (words, order, filters in its names).
function carrySearch() {
  const other = document.querySelector(".lang-switch a[data-keep-hash]");
  if (other) other.setAttribute("href", otherUrl(stateFromUrl()));
}

// ---- searching --------------------------------------------------------------

function pagefindFilters(chosen) {
  const filters = {};
  Object.entries(chosen).forEach(([key, values]) => {
    filters[key] = EITHER.has(key) ? { any: values } : { all: values };
  });
  return filters;
}

function without(chosen, key) {
  const rest = { ...chosen };
  delete rest[key];
  return rest;
}

async function run(state) {
  if (!pagefind) return; // still loading: start() runs the search from the URL
  const mine = ++generation;
  statusLine.textContent = say("searching");
  resultsList.setAttribute("aria-busy", "true");
  const found = state.q || Object.keys(state.chosen).length ? await find(state) : null;
  if (mine !== generation) return;
  drawFilters(found ? found.counts : everyValue, state.chosen);
  shown = found ? found.source : NOTHING;
  resultsList.replaceChildren();
  await drawMore(mine);
  if (mine !== generation) return;
  if (found && found.finish) { // a Chinese query: the first page is out, the rest is being checked
    tell(found);
    const counts = await found.finish();
    if (mine !== generation) return;
    drawFilters(counts, state.chosen);
    moreButton.hidden = resultsList.children.length >= shown.total;
  }
  tell(found);
  downloadButton.hidden = !shown.total;
  const alsoThere = await drawOther(state, mine);
  if (mine !== generation) return;
  if (found && !shown.total && alsoThere) statusLine.textContent = otherTitle.textContent;
  drawHelp(state, found && !shown.total && !alsoThere);
  // The results are out; then the parts with only weak matches are looked for, and if
  // there are any the search runs again without them (see weakDistricts).
  if (found && !knownWeak.has(state.q) && (await weakDistricts(state.q)).length) {
    if (mine === generation) await run(state);
    return;
  }
  if (mine === generation) resultsList.removeAttribute("aria-busy");
}

function tell(found) {
  if (!found) {
    statusLine.textContent = say("prompt");
  } else if (shown.about !== undefined && shown.total) {
    statusLine.textContent = say("about", { count: Math.max(shown.about, shown.total) });
  } else if (!shown.done && shown.about === undefined) {
    statusLine.textContent = say("counting", { count: shown.total });
  } else if (!shown.total) {
    statusLine.textContent = say("none");
  } else {
    statusLine.textContent = shown.total === 1 ? say("found-one") : say("found-many", { count: shown.total });
  }
}

// What a search found, drawn a page at a time: `total` results (so far, until `done`),
// `slice(a, b)` the data of results a to b.
const NOTHING = { total: 0, done: true, slice: async () => [] };

function indexed(results) {
  return {
    ids: results.map((r) => r.id),
    total: results.length,
    done: true,
    slice: (a, b) => Promise.all(results.slice(a, b).map((r) => r.data())),
  };
}

// Results and, for each filter value, how many results ticking it would give.
function find(state) {
  const runs = state.q.split(/\s+/).flatMap((term) => term.match(CJK) || []);
  return runs.length ? findChinese(state, runs) : findIndexed(state);
}

async function search(q, chosen, sort, weak = []) {
  const options = { filters: pagefindFilters(chosen) };
  if (weak.length) {
    const wanted = options.filters.district ? options.filters.district.any.filter((d) => !weak.includes(d)) : null;
    if (wanted && !wanted.length) return { results: [], filters: {} };
    options.filters.district = wanted ? { any: wanted } : { none: weak };
  }
  if (sort) options.sort = SORTS[sort];
  const found = await pagefind.search(q || null, options);
  return sort ? { ...found, results: await ordered(found.results, sort) } : found;
}

// The index is in parts (one per district and language) merged into one search, and
// Pagefind orders merged results by score, which for a sorted search is each result's
// place within its own part. The build writes each language's pages in the order of
// each sort key (order.<language>.json, fetched when a sort is first chosen).
let order = null;

async function ordered(results, sort) {
  const [key, direction] = Object.entries(SORTS[sort])[0];
  order = order || fetch(`${root.dataset.bundle}order.${indexLanguage}.json`).then((r) => r.json())
    .then((lists) => Object.fromEntries(Object.entries(lists).map(([k, ids]) =>
      [k, new Map(ids.map((id, n) => [id, n]))])));
  const place = (await order)[key] || new Map();
  const rank = (r) => (place.has(r.id) ? place.get(r.id) : Infinity);
  const sign = direction === "asc" ? 1 : -1;
  return [...results].sort((a, b) => (rank(a) === rank(b) ? 0 : rank(a) < rank(b) ? -sign : sign));
}

// Pagefind counts each value among the current results, which is what ticking it
// gives, except within an "either" group that has a choice: there another value widens
// the search, so that group's counts come from a search without its own choice.
async function findIndexed(state) {
  const weak = knownWeak.get(state.q) || [];  // until checked (see run), none
  const found = await search(state.q, state.chosen, state.sort, weak);
  const source = indexed(found.results);
  const counts = { ...found.filters };
  for (const key of Object.keys(state.chosen).filter((k) => EITHER.has(k))) {
    const others = without(state.chosen, key);
    counts[key] = state.q || Object.keys(others).length
      ? (await search(state.q, others, "", weak)).filters[key]
      : everyValue[key];
  }
  if (weak.length) counts.district = Object.fromEntries(Object.entries(counts.district || {})
    .map(([name, n]) => [name, weak.includes(name) ? 0 : n]));
  return { source, counts, results: found.results, candidates: found.unfilteredResultCount };
}

// The index is in parts, one per district. A part that has no word beginning with a
// query word matches the longest word the query word begins with instead ("maintenance"
// finds "main"), which one whole index does only if no page at all has the word. So for
// each district the words find, one result is read: if its text has no word beginning
// with each query word's stem, every result of that part is such a weak match, and the
// district is left out of the search. One search and one small file per district, once
// per query, after the first results are drawn (it takes seconds on a large site).
const weakCache = new Map();
const knownWeak = new Map();  // the districts left out, per query, once checked

function stems(q) {
  return q.toLowerCase().split(/\s+/).map((term) => term.replace(CJK, "").replace(/[^\p{L}\p{N}]/gu, ""))
    .filter((term) => term.length > 2)
    .map((term) => term.slice(0, Math.max(3, term.length - 3))); // what any form of the word begins with
}

function hasStems(content, prefixes) {
  const words = (content || "").toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return prefixes.every((p) => words.some((w) => w.startsWith(p)));
}

function weakDistricts(q) {
  const prefixes = stems(q);
  if (!prefixes.length) return Promise.resolve([]);
  if (!weakCache.has(q)) {
    weakCache.set(q, (async () => {
      const all = await pagefind.search(q, { filters: {} });
      const found = Object.entries(all.filters.district || {}).filter(([, n]) => n > 0).map(([d]) => d);
      const weak = await Promise.all(found.map(async (district) => {
        const first = (await pagefind.search(q, { filters: { district: [district] } })).results[0];
        return first && !hasStems((await first.data()).content, prefixes) ? district : null;
      }));
      knownWeak.set(q, weak.filter(Boolean));
      return knownWeak.get(q);
    })());
  }
  return weakCache.get(q);
}

// Pagefind splits a Chinese word it does not know into single characters and matches
// each as the start of a word, so 保费 would find a page that has only 保险 and 费用.
// A result stands only if its text holds each run of Chinese characters as typed, which
// needs its data (one small file each). Up to FULL_CHECK candidates, all are checked in
// Pagefind's order, CHECK_BATCH at a time: the first page shows as soon as it is full,
// the count and the filter counts (worked out here from the results that stand) when all
// are checked. Past FULL_CHECK, checking them all would fetch a file for each (36 MB for
// a common word on 10,000 projects): then Pagefind filters and counts the candidates,
// only the results drawn are checked (at most CHECK_LIMIT candidates a page), and the
// number found is an estimate, the candidates times the share of those checked that hold.
const CHECK_BATCH = 40;
const FULL_CHECK = 300;   // candidates all checked, so that the counts are exact
const CHECK_LIMIT = 400;  // past FULL_CHECK: candidates checked at most to draw one page

async function findChinese(state, runs) {
  const loose = await findIndexed(state);
  if (loose.candidates > FULL_CHECK) {
    const many = checkedRuns(loose.results, runs, () => true, stems(state.q), CHECK_LIMIT);
    many.source.about = loose.results.length;
    return { source: many.source, counts: loose.counts };
  }
  const found = await search(state.q, {}, state.sort);
  const checked = checkedRuns(found.results, runs, (data) => passes(data.filters, state.chosen), stems(state.q));
  const counts = () => {
    const all = {};
    FILTERS.forEach((key) => {
      const rest = EITHER.has(key) ? without(state.chosen, key) : state.chosen;
      all[key] = tally(checked.pages.filter((data) => passes(data.filters, rest)), key);
    });
    return all;
  };
  const finish = async () => { await checked.finish(); return counts(); };
  return { source: checked.source, counts: {}, finish };
}

// Candidates checked against their text in Pagefind's order: `pages` the data of those
// checked so far that hold every run; `source` the ones `keep` takes, drawn a page at a
// time (checking only as far as that page needs); `finish()` checks the rest.
function checkedRuns(candidates, runs, keep, latin = [], limit = Infinity) {
  const pages = [];
  let next = 0;
  let queue = Promise.resolve();
  const kept = () => pages.filter(keep);
  // One check at a time, so that `pages` stays in Pagefind's order.
  const check = (enough, whole = false) => (queue = queue.then(async () => {
    const stop = whole ? candidates.length : Math.min(candidates.length, next + limit);
    while (next < stop && !enough()) {
      const batch = candidates.slice(next, Math.min(stop, next + CHECK_BATCH));
      next += batch.length;
      (await Promise.all(batch.map((r) => r.data())))
        .forEach((data) => { if (holdsEvery(data.content, runs) && hasStems(data.content, latin)) pages.push(data); });
    }
    source.total = kept().length;
    source.done = next >= candidates.length;
    if (limit !== Infinity && next) source.about = Math.round(candidates.length * source.total / next);
  }));
  const source = {
    total: 0,
    done: !candidates.length,
    slice: async (a, b) => {
      await check(() => kept().length >= b);
      return kept().slice(a, b)
        .map((data) => ({ ...data, excerpt: excerptAround(data.content, runs) || data.excerpt }));
    },
  };
  source.all = async () => { await check(() => false, true); return kept(); };
  return { pages, source, finish: () => check(() => false) };
}

// Pagefind's excerpt marks the characters it matched one by one (保 of 保险 for 保费):
// show the text around the first word as typed, with every typed word marked.
function excerptAround(content, runs) {
  const at = content.indexOf(runs[0]);
  if (at < 0) return null;
  const start = Math.max(0, at - 40);
  const end = Math.min(content.length, at + runs[0].length + 80);
  const text = content.slice(start, end).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const marked = text.replace(new RegExp(runs.join("|"), "g"), (run) => `<mark>${run}</mark>`);
  return (start > 0 ? "…" : "") + marked + (end < content.length ? "…" : "");
}

function holdsEvery(content, runs) {
  const text = (content || "").replace(/\s+/g, ""); // a word may straddle two elements
  return runs.every((run) => text.includes(run));
}

function passes(filters, chosen) {
  return Object.entries(chosen).every(([key, values]) => {
    const has = (filters && filters[key]) || [];
    return EITHER.has(key) ? values.some((v) => has.includes(v)) : values.every((v) => has.includes(v));
  });
}

function tally(pages, key) {
  const counts = {};
  pages.forEach((data) => ((data.filters || {})[key] || []).forEach((v) => {
    counts[v] = (counts[v] || 0) + 1;
  }));
  return counts;
}

async function drawMore(mine) {
  const start = resultsList.children.length;
  const page = await shown.slice(start, start + PAGE_SIZE);
  if (mine !== generation) return;
  page.forEach((data) => resultsList.append(resultItem(data)));
  moreButton.hidden = shown.done && resultsList.children.length >= shown.total;
}

// ---- the other language ------------------------------------------------------

// A query with the other language's letters (Latin on the Chinese page, Chinese on the
// English one) searches the other language's index too, with a second Pagefind instance,
// and lists what it finds there, linked to the pages in this language.
let partsOf = {};     // parts.json: the parts to merge, per language
let otherIndex = null;

function otherPagefind() {
  if (!otherIndex) {
    const base = root.dataset.baseUrl;
    const html = document.documentElement;
    const own = html.getAttribute("lang");
    let instance;
    html.setAttribute("lang", OTHER.lang); // Pagefind takes an instance's language from the page's
    try {
      instance = pagefind.createInstance({ basePath: new URL(root.dataset.bundle, window.location.href).href,
                                           baseUrl: base });
    } finally {
      html.setAttribute("lang", own);
    }
    otherIndex = Promise.all((partsOf[OTHER.index] || []).map((part) =>
      instance.mergeIndex(base + part, { baseUrl: base, language: OTHER.index }))).then(() => instance);
  }
  return otherIndex;
}

async function findOther(state) {
  const instance = await otherPagefind();
  const found = await instance.search(state.q, { filters: pagefindFilters(inOtherLanguage(state.chosen)) });
  const runs = OTHER.index === "zh-cn" ? state.q.split(/\s+/).flatMap((term) => term.match(CJK) || []) : [];
  if (runs.length) { // checked as on this page's own index, as far as one page needs
    const checked = checkedRuns(found.results, runs, () => true, [], CHECK_LIMIT);
    checked.source.about = found.results.length;
    return checked.source;
  }
  return indexed(found.results);
}

// This page's address of a page of the other language.
function here(url) {
  return url.replace(new RegExp(`^(${root.dataset.baseUrl})${OTHER.folder}/`), `$1${FOLDER}/`);
}

async function drawOther(state, mine) {
  otherBox.hidden = true;
  otherList.replaceChildren();
  if (!state.q || !OTHER.letters.test(state.q)) return 0;
  const source = await findOther(state);
  const mineShown = new Set([...resultsList.querySelectorAll("h3 a")].map((a) => a.getAttribute("href")));
  const pages = (await source.slice(0, PAGE_SIZE)).filter((data) => !mineShown.has(here(data.url)));
  if (mine !== generation || !pages.length) return 0;
  pages.forEach((data) => otherList.append(resultItem(data, true)));
  const count = source.about === undefined ? source.total : Math.max(source.about, pages.length);
  otherTitle.textContent = say("other-found", { count });
  otherBox.hidden = false;
  return pages.length;
}

// "No results" says what was searched and offers the other language, the search without
// filters and the browse lists.
function drawHelp(state, found) {
  const ticked = Object.values(state.chosen).reduce((sum, values) => sum + values.length, 0);
  help.hidden = !found;
  if (!found) return;
  help.querySelector("[data-help-searched]").textContent = ticked
    ? say("searched-filtered", { q: state.q, count: ticked }) : say("searched", { q: state.q });
  help.querySelector("[data-help-other] a").setAttribute("href", otherUrl(state) || "#");
  help.querySelector("[data-help-unfilter]").hidden = !ticked;
}

// ---- download these results ----------------------------------------------------

// The current results as CSV, the open data's columns and rows (data/projects.csv),
// UTF-8 with a byte-order mark, named after the words and the filters. The build writes
// each district and year's rows (search-rows/<district>-<year>.json) and which
// project each result id is (pagefind/keys.<language>.json): a download fetches those,
// not each result's data. Chinese words are checked first, all of them.
let keysOf = null;

async function resultKeys(source) {
  if (source.ids) {
    keysOf = keysOf || fetch(`${root.dataset.bundle}keys.${indexLanguage}.json`).then((r) => r.json());
    const keys = await keysOf;
    return source.ids.map((id) => keys[id]).filter(Boolean);
  }
  const base = root.dataset.baseUrl;
  return (await source.all()).map((data) => data.url.slice(base.length).split("/").slice(1, -1).join("/"));
}

async function download() {
  const state = known(stateFromUrl());
  const keys = await resultKeys(shown);
  const group = (key) => key.split("/").slice(0, 2).join("-");
  const files = {};
  await Promise.all([...new Set(keys.map(group))].map(async (name) => {
    const response = await fetch(`${root.dataset.baseUrl}search-rows/${name}.json`);
    if (response.ok) files[name] = await response.json();
  }));
  const header = (Object.values(files)[0] || {}).header || "";
  const lines = keys.map((key) => (files[group(key)] || { rows: {} }).rows[key]).filter(Boolean);
  const file = new Blob(["\ufeff" + header + lines.join("")], { type: "text/csv;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(file);
  link.download = fileName(state);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

function fileName(state) {
  const parts = [say("file-name"), state.q, ...FILTERS.flatMap((key) => state.chosen[key] || [])];
  return parts.filter(Boolean).join("_").replace(/[\\/:*?"<>|\s]+/g, "-") + ".csv";
}

// ---- drawing ----------------------------------------------------------------

function resultItem(data, other = false) {
  const meta = data.meta || {};
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = other ? here(data.url) : data.url;
  link.textContent = meta.title || data.url;
  heading.append(link);
  const facts = document.createElement("p");
  facts.className = "search-result-meta";
  const district = other ? translated("district", meta.district || "", "back") : meta.district;
  facts.textContent = [district, meta.year && say("budget-year", { year: meta.year }), other ? "" : meta.amount]
    .filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.innerHTML = data.excerpt; // escaped text with <mark> only (Pagefind or excerptAround)
  if (other) [heading, excerpt].forEach((el) => { el.lang = OTHER.lang; });
  item.append(heading, facts, excerpt);
  return item;
}

// The amount bands come smallest first, as the page lists them.
const BANDS = [...root.querySelectorAll("[data-band]")].map((el) => el.textContent);

function sortedValues(key, counts) {
  const values = Object.keys(counts);
  if (key === "band") return values.sort((a, b) => BANDS.indexOf(a) - BANDS.indexOf(b));
  return key === "year"
    ? values.sort((a, b) => collator.compare(b, a))
    : values.sort((a, b) => collator.compare(a, b));
}

// Every value stays in its place; one that would give no results says (0).
function drawFilters(counts, chosen) {
  const groups = FILTERS.filter((key) => everyValue[key]).map((key) =>
    filterGroup(key, sortedValues(key, everyValue[key]), counts[key] || {}, chosen[key] || []));
  const focused = filtersBox.contains(document.activeElement) ? document.activeElement : null;
  filtersBox.replaceChildren(...groups);
  const ticked = Object.values(chosen).reduce((sum, values) => sum + values.length, 0);
  clearButton.hidden = ticked === 0;
  chosenCount.textContent = ticked ? say("chosen", { count: ticked }) : "";
  // Redrawing replaces the boxes: keep a keyboard user on the one they just used.
  if (focused) {
    const same = [...filtersBox.querySelectorAll("input")]
      .find((box) => box.name === focused.name && box.value === focused.value);
    if (same) same.focus();
  }
}

function filterGroup(key, values, counts, chosen) {
  const group = document.createElement("fieldset");
  group.className = "search-filter";
  const legend = document.createElement("legend");
  legend.textContent = say("filter-" + key);
  group.append(legend);
  values.forEach((value, n) => {
    const id = `filter-${key}-${n}`;
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", id, name: key, value, checked: chosen.includes(value) });
    box.setAttribute("form", "search-form");
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = value + " ";
    const count = document.createElement("span");
    count.className = "search-count";
    count.textContent = `(${counts[value] || 0})`;
    label.append(count);
    if (!counts[value]) label.classList.add("search-none");
    const row = document.createElement("div");
    row.append(box, label);
    group.append(row);
  });
  return group;
}

function fillForm(state) {
  query.value = state.q;
  form.elements.sort.value = state.sort;
  const header = document.getElementById("site-search-q");
  if (header) header.value = state.q;
}

// ---- wiring -----------------------------------------------------------------

let typing = null;

function onChange(replace) {
  const state = stateFromForm();
  remember(state, replace);
  run(state);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  onChange(false);
});
query.addEventListener("input", () => {
  clearTimeout(typing);
  if (pagefind) pagefind.preload(query.value);
  typing = setTimeout(() => onChange(true), 300);
});
// Filter boxes and the order menu: each choice is a step Back can undo.
root.addEventListener("change", (event) => {
  if (event.target !== query) onChange(false);
});
help.querySelector("[data-help-unfilter] button").addEventListener("click", () => {
  filtersBox.querySelectorAll("input:checked").forEach((box) => { box.checked = false; });
  onChange(false);
});
clearButton.addEventListener("click", () => {
  filtersBox.querySelectorAll("input:checked").forEach((box) => { box.checked = false; });
  onChange(false);
});
moreButton.addEventListener("click", () => drawMore(generation));
downloadButton.addEventListener("click", () => download());
window.addEventListener("popstate", () => {
  const state = known(stateFromUrl());
  fillForm(state);
  carrySearch();
  run(state);
});

// The primary bundle holds one district; every other part of this language joins it.
async function mergeParts() {
  const response = await fetch(root.dataset.bundle + "parts.json");
  if (!response.ok) throw new Error(`parts.json: ${response.status}`);
  partsOf = (await response.json()).parts;
  const base = root.dataset.baseUrl;
  await Promise.all((partsOf[indexLanguage] || []).map((part) => pagefind.mergeIndex(base + part, { baseUrl: base })));
}

async function readNamesFile() {
  const response = await fetch(root.dataset.bundle + "names.json");
  names = response.ok ? readNames(await response.json()) : {};
}

async function start() {
  fallback.hidden = true;
  root.hidden = false;
  statusLine.textContent = say("loading");
  try {
    pagefind = await import(root.dataset.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: root.dataset.baseUrl });
    await pagefind.init();
    await Promise.all([mergeParts(), readNamesFile()]);
    // Loading every filter once makes each search report its facet counts.
    everyValue = await pagefind.filters();
  } catch (error) {
    root.hidden = true;
    fallback.hidden = false;
    fallback.querySelector("[data-search-nojs]").hidden = true;
    fallback.querySelector("[data-search-failed]").hidden = false;
    return;
  }
  // On a phone the filters start folded, so that the results come first.
  if (PHONE.matches) filtersPanel.open = false;
  const state = known(stateFromUrl());
  remember(state, true);
  fillForm(state);
  await run(state);
  root.dataset.ready = "";
}

start();
