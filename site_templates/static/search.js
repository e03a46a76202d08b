// The search page: Pagefind's JS API behind a small form whose state lives in
// the URL (?q=…&district=…&sort=…), so a search can be shared, bookmarked and
// restored with Back. Without this file the page shows links to browse instead.

const FILTERS = ["district", "year", "unit", "funds", "level1", "level2"];
// A project has one district, year, unit and source of funds: choosing two
// values of these means "either". It may have several indicator categories:
// choosing two of those means "both".
const EITHER = new Set(["district", "year", "unit", "funds"]);
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
const lang = document.documentElement.lang;
const indexLanguage = lang.toLowerCase();  // Pagefind's code for this page's index
const collator = new Intl.Collator(lang, { numeric: true });
const messages = {};
root.querySelectorAll("[data-msg]").forEach((el) => { messages[el.dataset.msg] = el.textContent; });

let pagefind = null;
let everyValue = {};  // every filter value of this language's index, with its page count
let shown = [];       // the results of the current search, loaded PAGE_SIZE at a time
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

function urlFor(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  FILTERS.forEach((key) => (state.chosen[key] || []).forEach((v) => params.append(key, v)));
  if (state.sort) params.set("sort", state.sort);
  const search = params.toString();
  return window.location.pathname + (search ? "?" + search : "");
}

function remember(state, replace) {
  const url = urlFor(state);
  if (url !== window.location.pathname + window.location.search) {
    window.history[replace ? "replaceState" : "pushState"](null, "", url);
  }
  carrySearch();
}

// Filter values are names in the page's language (五华区, Wuhua District): a value this
// index does not have, as from the other language's page, is dropped, not searched for.
function known(state) {
  const chosen = {};
  Object.entries(state.chosen).forEach(([key, values]) => {
    const kept = values.filter((v) => everyValue[key] && v in everyValue[key]);
    if (kept.length) chosen[key] = kept;
  });
  return { ...state, chosen };
}

// The language switch takes the search along (words, order, filters); the other page
// keeps the filter values it has, such as years.
function carrySearch() {
  const other = document.querySelector(".lang-switch a[data-keep-hash]");
  if (other) other.setAttribute("href", other.getAttribute("href").split(/[?#]/)[0] + window.location.search);
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
  shown = found ? found.results : [];
  resultsList.replaceChildren();
  if (!found) {
    statusLine.textContent = say("prompt");
  } else if (!shown.length) {
    statusLine.textContent = say("none");
  } else {
    statusLine.textContent = shown.length === 1 ? say("found-one") : say("found-many", { count: shown.length });
  }
  await drawMore(mine);
  if (mine === generation) resultsList.removeAttribute("aria-busy");
}

// Results and, for each filter value, how many results ticking it would give.
function find(state) {
  const runs = state.q.split(/\s+/).flatMap((term) => term.match(CJK) || []);
  return runs.length ? findChinese(state, runs) : findIndexed(state);
}

async function search(q, chosen, sort) {
  const options = { filters: pagefindFilters(chosen) };
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
  const found = await search(state.q, state.chosen, state.sort);
  const counts = { ...found.filters };
  for (const key of Object.keys(state.chosen).filter((k) => EITHER.has(k))) {
    const others = without(state.chosen, key);
    counts[key] = state.q || Object.keys(others).length
      ? (await search(state.q, others, "")).filters[key]
      : everyValue[key];
  }
  return { results: found.results, counts };
}

// Pagefind splits a Chinese word it does not know into single characters and matches
// each as the start of a word, so 保费 would find a page that has only 保险 and 费用.
// A result stands only if its text holds each run of Chinese characters as typed. That
// needs every result's text, so filtering and counting are done here on those results.
async function findChinese(state, runs) {
  const found = await search(state.q, {}, state.sort);
  const pages = (await Promise.all(found.results.map((r) => r.data())))
    .filter((data) => holdsEvery(data.content, runs));
  const counts = {};
  FILTERS.forEach((key) => {
    const rest = EITHER.has(key) ? without(state.chosen, key) : state.chosen;
    counts[key] = tally(pages.filter((data) => passes(data.filters, rest)), key);
  });
  const results = pages.filter((data) => passes(data.filters, state.chosen))
    .map((data) => ({ ...data, excerpt: excerptAround(data.content, runs) || data.excerpt }))
    .map((data) => ({ data: async () => data }));
  return { results, counts };
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
  const page = await Promise.all(shown.slice(start, start + PAGE_SIZE).map((r) => r.data()));
  if (mine !== generation) return;
  page.forEach((data) => resultsList.append(resultItem(data)));
  moreButton.hidden = resultsList.children.length >= shown.length;
}

// ---- drawing ----------------------------------------------------------------

function resultItem(data) {
  const meta = data.meta || {};
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = meta.title || data.url;
  heading.append(link);
  const facts = document.createElement("p");
  facts.className = "search-result-meta";
  facts.textContent = [meta.district, meta.year && say("budget-year", { year: meta.year }), meta.amount]
    .filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.innerHTML = data.excerpt; // escaped text with <mark> only (Pagefind or excerptAround)
  item.append(heading, facts, excerpt);
  return item;
}

function sortedValues(key, counts) {
  const values = Object.keys(counts);
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
clearButton.addEventListener("click", () => {
  filtersBox.querySelectorAll("input:checked").forEach((box) => { box.checked = false; });
  onChange(false);
});
moreButton.addEventListener("click", () => drawMore(generation));
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
  const parts = (await response.json()).parts[indexLanguage] || [];
  const base = root.dataset.baseUrl;
  await Promise.all(parts.map((part) => pagefind.mergeIndex(base + part, { baseUrl: base })));
}

async function start() {
  fallback.hidden = true;
  root.hidden = false;
  statusLine.textContent = say("loading");
  try {
    pagefind = await import(root.dataset.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: root.dataset.baseUrl });
    await pagefind.init();
    await mergeParts();
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
