// The search page: a small form over Pagefind's JS API whose state lives in the URL
// (state.js). A query first looks up the projects it names exactly (keys.js, exact.js:
// a full name, a document number, a unit's code, an amount as printed), then Pagefind's
// ranked results follow (engine.js); a query with the other language's letters also
// searches the other language's index. Without this file the page shows links to
// browse instead.

import { csvName, fetchEach, saveCsv } from "./csv.js";
import { FilterBoxes, resultItem, rowOf } from "./search/draw.js";
import { Engine, NOTHING, OtherIndex } from "./search/engine.js";
import { exactRows, merged } from "./search/exact.js";
import { KeyIndex } from "./search/keys.js";
import { FilterNames } from "./search/names.js";
import { FILTERS, fromForm, fromUrl, ticked, urlFor } from "./search/state.js";

const PAGE_SIZE = 20;
const PHONE = window.matchMedia("(max-width: 40rem)");

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const query = document.getElementById("search-q");
const fallback = document.querySelector("[data-search-fallback]");
const part = (name) => root.querySelector(`[data-search-${name}]`);
const filtersPanel = part("filters-panel");
const chosenCount = part("chosen");
const statusLine = part("status");
const resultsList = part("results");
const moreButton = part("more");
const clearButton = part("clear");
const otherBox = part("other");
const otherTitle = part("other-title");
const otherList = part("other-results");
const downloadButton = part("download");
const help = root.querySelector("[data-search-help]");
const base = root.dataset.baseUrl;
const lang = document.documentElement.lang;
const indexLanguage = lang.toLowerCase();  // Pagefind's code for this page's index
const FOLDER = indexLanguage === "en" ? "en" : "zh";
// The other language: its <html lang>, its index, and the letters that send a query there
// (Latin letters on the Chinese page, Chinese characters on the English page).
const OTHER = indexLanguage === "en"
  ? { lang: "zh-CN", index: "zh-cn", folder: "zh", letters: /\p{Script=Han}/u }
  : { lang: "en", index: "en", folder: "en", letters: /\p{Script=Latin}/u };
const messages = {};
root.querySelectorAll("[data-msg]").forEach((el) => { messages[el.dataset.msg] = el.textContent; });

function say(key, values = {}) {
  return messages[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

const filterBoxes = new FilterBoxes(part("filters"), say, new Intl.Collator(lang, { numeric: true }),
  [...root.querySelectorAll("[data-band]")].map((el) => el.textContent));

// What the page holds while it is open: set once when it starts, then the newest search.
const page = {
  engine: null,       // this language's index (engine.js)
  other: null,        // the other language's, loaded when a query first needs it
  names: new FilterNames(),
  keys: new KeyIndex((path) => fetch(`${base}search-keys/${path}`)
    .then((r) => (r.ok ? r.json() : null)).catch(() => null)),
  filters: true,      // false until every filter is loaded, when the first search did not wait
  shown: NOTHING,     // what the current search found, drawn PAGE_SIZE at a time
  otherRows: [],      // the other language's results listed
  generation: 0,      // only the newest search may draw
};

// ---- the URL is the state -------------------------------------------------

function known(state) {
  return { ...state, chosen: page.names.known(state.chosen, page.engine ? page.engine.everyValue : {}) };
}

function remember(state, replace) {
  const url = urlFor(state);
  if (url !== window.location.pathname + window.location.search) {
    window.history[replace ? "replaceState" : "pushState"](null, "", url);
  }
  carrySearch();
}

// The same search on the other language's page (the language switch's address), with
// the filters in its names.
function otherUrl(state) {
  const other = document.querySelector(".lang-switch a[data-keep-hash]");
  if (!other) return null;
  return urlFor({ ...state, chosen: page.names.inOtherLanguage(state.chosen) },
    other.getAttribute("href").split(/[?#]/)[0]);
}

// The language switch takes the search along (words, order, filters in its names).
function carrySearch() {
  const other = document.querySelector(".lang-switch a[data-keep-hash]");
  if (other) other.setAttribute("href", otherUrl(fromUrl()));
}

// ---- searching --------------------------------------------------------------

async function run(state) {
  if (!page.engine) return; // still loading: start() runs the search from the URL
  const mine = ++page.generation;
  const current = () => mine === page.generation;
  statusLine.textContent = say("searching");
  resultsList.setAttribute("aria-busy", "true");
  const [found, exact] = await Promise.all([
    state.q || ticked(state.chosen) ? page.engine.find(state) : null,
    exactRows(page.keys, state.q, FOLDER, base, state.chosen, say),
  ]);
  if (!current()) return;
  filterBoxes.draw(page.engine.everyValue, found ? found.counts : page.engine.everyValue, state.chosen);
  drawChosen(state.chosen);
  page.shown = found ? merged(exact, found.source) : NOTHING;
  resultsList.replaceChildren();
  await drawMore(mine);
  if (!current()) return;
  // Nothing here but the other language may have it: say so once, when it answers.
  const elsewhere = () => found && !page.shown.total && OTHER.letters.test(state.q);
  let counts = found ? found.counts : null;
  if (found && found.finish) { // a Chinese query: the first page is out, the rest is being checked
    if (!elsewhere()) tell(found);
    counts = await found.finish();
    if (!current()) return;
    filterBoxes.draw(page.engine.everyValue, counts, state.chosen);
    moreButton.hidden = resultsList.children.length >= page.shown.total;
  }
  if (!page.filters) { // the first search ran before every filter was loaded: count again
    await page.engine.loadFilters();
    page.filters = true;
    if (!current()) return;
    if (found && !found.finish) counts = (await page.engine.findIndexed(state)).counts;
    if (!current()) return;
    filterBoxes.draw(page.engine.everyValue, counts || page.engine.everyValue, state.chosen);
  }
  if (!elsewhere()) tell(found);
  const alsoThere = await drawOther(state, mine);
  if (!current()) return;
  if (elsewhere() && alsoThere) {
    statusLine.textContent = otherTitle.textContent;
    otherTitle.hidden = true;
  } else if (elsewhere()) {
    tell(found);
  }
  downloadButton.hidden = !(page.shown.total || alsoThere);
  drawHelp(state, found && !page.shown.total && !alsoThere);
  // The results are out; then the parts with only weak matches are looked for, and if
  // there are any the search runs again without them (engine.js, weakDistricts).
  if (found && !page.engine.isWeakChecked(state.q) && (await page.engine.weakDistricts(state.q)).length) {
    if (current()) await run(state);
    return;
  }
  if (current()) resultsList.removeAttribute("aria-busy");
}

function tell(found) {
  const shown = page.shown;
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

async function drawMore(mine) {
  const start = resultsList.children.length;
  const rows = await page.shown.slice(start, start + PAGE_SIZE);
  if (mine !== page.generation) return;
  rows.forEach((row) => resultsList.append(resultItem(row.id ? row : rowOf(row), say)));
  moreButton.hidden = page.shown.done && resultsList.children.length >= page.shown.total;
}

function drawChosen(chosen) {
  const count = ticked(chosen);
  clearButton.hidden = count === 0;
  chosenCount.textContent = count ? say("chosen", { count }) : "";
}

// ---- the other language ------------------------------------------------------

// A project's id (district/year/slug) from its page's address in either language.
function projectId(url) {
  return url.slice(base.length).split("/").slice(1, -1).join("/");
}

// Results of the other language's index, as rows of this page's language (its name,
// district and amount from the key index), the excerpt in the language it matched in.
async function drawOther(state, mine) {
  otherBox.hidden = true;
  otherTitle.hidden = false;
  otherList.replaceChildren();
  page.otherRows = [];
  if (!state.q || !OTHER.letters.test(state.q)) return 0;
  page.other = page.other || new OtherIndex(page.engine.pagefind, root.dataset.bundle, base, OTHER.index,
                                            OTHER.lang, page.engine.parts);
  const source = await page.other.find(state.q, page.names.inOtherLanguage(state.chosen));
  const listed = new Set([...resultsList.querySelectorAll("h3 a")].map((a) => a.getAttribute("href")));
  const found = (await source.slice(0, PAGE_SIZE)).map((data) => ({ data, id: projectId(data.url) }))
    .filter(({ id }) => !listed.has(`${base}${FOLDER}/${id}/`));
  const cards = await page.keys.rows(found.map(({ id }) => id), FOLDER);
  if (mine !== page.generation || !found.length) return 0;
  page.otherRows = found.map(({ data, id }) => otherRow(data, id, cards.get(id)));
  page.otherRows.forEach((row) => otherList.append(resultItem(row, say)));
  const count = source.about === undefined ? source.total : Math.max(source.about, found.length);
  otherTitle.textContent = say("other-found", { count });
  otherBox.hidden = false;
  return found.length;
}

function otherRow(data, id, card) {
  const url = `${base}${FOLDER}/${id}/`;
  if (card) {
    return { id, url, title: card[0], district: card[1], year: String(card[2]), amount: card[3],
             excerpt: data.excerpt, excerptLang: OTHER.lang };
  }
  const row = rowOf(data);
  return { ...row, id, url, titleLang: OTHER.lang, excerptLang: OTHER.lang, amount: "",
           district: page.names.translated("district", row.district || "", "back") };
}

// "No results" says what was searched and offers the other language, the search without
// filters and the browse lists.
function drawHelp(state, nothing) {
  const count = ticked(state.chosen);
  help.hidden = !nothing;
  if (!nothing) return;
  help.querySelector("[data-help-searched]").textContent = count
    ? say("searched-filtered", { q: state.q, count }) : say("searched", { q: state.q });
  help.querySelector("[data-help-other] a").setAttribute("href", otherUrl(state) || "#");
  help.querySelector("[data-help-unfilter]").hidden = !count;
}

// ---- download these results ----------------------------------------------------

// The results listed (exact hits, this language's, then the other language's), as the
// open data's rows (data/projects.csv) in their order. The build writes each district
// and year's rows (search-rows/<district>-<year>.json) and which project each result id
// is (pagefind/keys.<language>.json): a download fetches those, not each result's data.
// A file that does not load stops the download and says which.
async function resultKeys(shown) {
  const inner = shown.inner || shown;
  let keys;
  if (inner.ids) {
    const [table] = await fetchEach([`${root.dataset.bundle}keys.${indexLanguage}.json`], (r) => r.json());
    keys = inner.ids.map((id) => table[id]).filter(Boolean);
  } else {
    keys = inner.all ? (await inner.all()).map((data) => projectId(data.url)) : [];
  }
  const exact = shown.inner ? (await shown.slice(0, shown.exact)).map((row) => row.id) : [];
  return [...new Set([...exact, ...keys, ...page.otherRows.map((row) => row.id)])];
}

async function download() {
  const state = known(fromUrl());
  try {
    const keys = await resultKeys(page.shown);
    const group = (key) => key.split("/").slice(0, 2).join("-");
    const names = [...new Set(keys.map(group))];
    const files = Object.fromEntries((await fetchEach(names.map((name) => `${base}search-rows/${name}.json`),
      (r) => r.json())).map((file, n) => [names[n], file]));
    const header = (Object.values(files)[0] || {}).header || "";
    const lines = keys.map((key) => files[group(key)].rows[key]).filter(Boolean);
    const name = csvName([say("file-name"), state.q, ...FILTERS.flatMap((key) => state.chosen[key] || [])], "-");
    saveCsv(name, header + lines.join(""));
  } catch (error) {
    statusLine.textContent = say("download-failed", { file: error.file || error.message });
  }
}

// ---- wiring -----------------------------------------------------------------

function fillForm(state) {
  query.value = state.q;
  form.elements.sort.value = state.sort;
  const header = document.getElementById("site-search-q");
  if (header) header.value = state.q;
}

let typing = null;

function onChange(replace) {
  const state = fromForm(form);
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
  if (page.engine) page.engine.pagefind.preload(query.value);
  typing = setTimeout(() => onChange(true), 300);
});
// Filter boxes and the order menu: each choice is a step Back can undo.
root.addEventListener("change", (event) => {
  if (event.target !== query) onChange(false);
});
help.querySelector("[data-help-unfilter] button").addEventListener("click", () => {
  filterBoxes.uncheckAll();
  onChange(false);
});
clearButton.addEventListener("click", () => {
  filterBoxes.uncheckAll();
  onChange(false);
});
moreButton.addEventListener("click", () => drawMore(page.generation));
downloadButton.addEventListener("click", () => download());
window.addEventListener("popstate", () => {
  const state = known(fromUrl());
  fillForm(state);
  carrySearch();
  run(state);
});

async function json(name) {
  const response = await fetch(root.dataset.bundle + name);
  if (!response.ok) throw new Error(`${name}: ${response.status}`);
  return response.json();
}

async function start() {
  fallback.hidden = true;
  root.hidden = false;
  statusLine.textContent = say("loading");
  page.keys.warm();
  // While Pagefind loads, the projects the query names exactly are shown already.
  const early = fromUrl();
  exactRows(page.keys, early.q, FOLDER, base, early.chosen, say).then((rows) => {
    if (!page.engine && rows.length) rows.forEach((row) => resultsList.append(resultItem(row, say)));
  });
  try {
    const pagefind = await import(root.dataset.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: base });
    await pagefind.init();
    const engine = new Engine(pagefind, root.dataset.bundle, indexLanguage);
    const [parts, names] = await Promise.all([json("parts.json"), json("names.json").catch(() => ({}))]);
    engine.parts = parts.parts;
    page.names = new FilterNames(names, FOLDER);
    await engine.mergeParts(engine.parts, base);
    // A query alone is searched first and every filter loaded after its results are
    // drawn (run counts again then): Pagefind's worker answers one request at a time,
    // and loading them (a chunk per filter and part) takes as long as the search.
    // Filters in the URL are checked against every value first.
    if (ticked(fromUrl().chosen) || !fromUrl().q) await engine.loadFilters();
    else page.filters = false;
    page.engine = engine;
  } catch (error) {
    root.hidden = true;
    fallback.hidden = false;
    fallback.querySelector("[data-search-nojs]").hidden = true;
    fallback.querySelector("[data-search-failed]").hidden = false;
    return;
  }
  // On a phone the filters start folded, so that the results come first.
  if (PHONE.matches) filtersPanel.open = false;
  const state = known(fromUrl());
  remember(state, true);
  fillForm(state);
  await run(state);
  root.dataset.ready = "";
}

start();
