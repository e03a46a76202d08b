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

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const query = document.getElementById("search-q");
const fallback = document.querySelector("[data-search-fallback]");
const filtersBox = root.querySelector("[data-search-filters]");
const statusLine = root.querySelector("[data-search-status]");
const resultsList = root.querySelector("[data-search-results]");
const moreButton = root.querySelector("[data-search-more]");
const clearButton = root.querySelector("[data-search-clear]");
const lang = document.documentElement.lang;
const collator = new Intl.Collator(lang, { numeric: true });
const messages = {};
root.querySelectorAll("[data-msg]").forEach((el) => { messages[el.dataset.msg] = el.textContent; });

let pagefind = null;
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
  if (url === window.location.pathname + window.location.search) return;
  window.history[replace ? "replaceState" : "pushState"](null, "", url);
}

// ---- searching --------------------------------------------------------------

function pagefindFilters(chosen) {
  const filters = {};
  Object.entries(chosen).forEach(([key, values]) => {
    filters[key] = EITHER.has(key) ? { any: values } : { all: values };
  });
  return filters;
}

async function run(state) {
  if (!pagefind) return; // still loading: start() runs the search from the URL
  const mine = ++generation;
  const anyFilter = Object.keys(state.chosen).length > 0;
  statusLine.textContent = say("searching");
  const options = { filters: pagefindFilters(state.chosen) };
  if (state.sort) options.sort = SORTS[state.sort];
  const search = state.q || anyFilter
    ? await pagefind.search(state.q || null, options)
    : null;
  const counts = search ? search.totalFilters : await pagefind.filters();
  if (mine !== generation) return;
  drawFilters(counts, state.chosen);
  shown = search ? search.results : [];
  resultsList.replaceChildren();
  if (!search) {
    statusLine.textContent = say("prompt");
  } else if (!shown.length) {
    statusLine.textContent = say("none");
  } else {
    statusLine.textContent = shown.length === 1 ? say("found-one") : say("found-many", { count: shown.length });
  }
  await drawMore(mine);
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
  excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
  item.append(heading, facts, excerpt);
  return item;
}

function sortedValues(key, counts) {
  const values = Object.keys(counts);
  return key === "year"
    ? values.sort((a, b) => collator.compare(b, a))
    : values.sort((a, b) => collator.compare(a, b));
}

function drawFilters(counts, chosen) {
  const groups = FILTERS.filter((key) => counts[key]).map((key) => {
    const values = sortedValues(key, counts[key])
      .filter((v) => counts[key][v] > 0 || (chosen[key] || []).includes(v));
    return values.length ? filterGroup(key, values, counts[key], chosen[key] || []) : null;
  }).filter(Boolean);
  const focused = filtersBox.contains(document.activeElement) ? document.activeElement : null;
  filtersBox.replaceChildren(...groups);
  clearButton.hidden = Object.keys(chosen).length === 0;
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
  const state = stateFromUrl();
  fillForm(state);
  run(state);
});

async function start() {
  fallback.hidden = true;
  root.hidden = false;
  statusLine.textContent = say("loading");
  try {
    pagefind = await import(root.dataset.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: root.dataset.baseUrl });
    await pagefind.init();
    // Loading every filter once makes each search report its facet counts.
    await pagefind.filters();
  } catch (error) {
    root.hidden = true;
    fallback.hidden = false;
    fallback.querySelector("[data-search-nojs]").hidden = true;
    fallback.querySelector("[data-search-failed]").hidden = false;
    return;
  }
  const state = stateFromUrl();
  fillForm(state);
  await run(state);
  root.dataset.ready = "";
}

start();
