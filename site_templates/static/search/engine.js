// Searching Pagefind's index, which the build writes in parts (one per district and
// language) merged here with mergeIndex. What a search found is a "source": `total`
// results (so far, until `done`), `slice(a, b)` the data of results a to b.

import { EITHER, FILTERS, SORTS, CJK, chineseRuns, without } from "./state.js";

export const NOTHING = { total: 0, done: true, slice: async () => [] };

export function pagefindFilters(chosen) {
  const filters = {};
  Object.entries(chosen).forEach(([key, values]) => {
    filters[key] = EITHER.has(key) ? { any: values } : { all: values };
  });
  return filters;
}

function indexed(results) {
  return {
    ids: results.map((r) => r.id),
    total: results.length,
    done: true,
    slice: (a, b) => Promise.all(results.slice(a, b).map((r) => r.data())),
  };
}

export class Engine {
  // `pagefind` the loaded module, `bundle` its folder's URL, `language` Pagefind's code
  // for this page's index (zh-cn or en).
  constructor(pagefind, bundle, language) {
    this.pagefind = pagefind;
    this.bundle = bundle;
    this.language = language;
    this.everyValue = {};  // every filter value of this index, with its page count
    this.order = null;     // order.<language>.json, once a sort is chosen
    this.weakCache = new Map();
    this.knownWeak = new Map();  // the districts left out, per query, once checked
  }

  // The primary bundle holds one district; every other part of this language joins it.
  async mergeParts(parts, base) {
    await Promise.all((parts[this.language] || []).map((part) => this.pagefind.mergeIndex(base + part, { baseUrl: base })));
  }

  // Loading every filter once (a chunk per filter and part) makes each search report
  // its facet counts; a search may start before, and its counts are then partial.
  loadFilters() {
    this.filtersLoaded = this.filtersLoaded || this.pagefind.filters().then((all) => { this.everyValue = all; });
    return this.filtersLoaded;
  }

  // Results and, for each filter value, how many results ticking it would give.
  find(state) {
    const runs = chineseRuns(state.q);
    return runs.length ? this.findChinese(state, runs) : this.findIndexed(state);
  }

  async search(q, chosen, sort, weak = []) {
    const options = { filters: pagefindFilters(chosen) };
    if (weak.length) {
      const wanted = options.filters.district ? options.filters.district.any.filter((d) => !weak.includes(d)) : null;
      if (wanted && !wanted.length) return { results: [], filters: {} };
      options.filters.district = wanted ? { any: wanted } : { none: weak };
    }
    if (sort) options.sort = SORTS[sort];
    const found = await this.pagefind.search(q || null, options);
    return sort ? { ...found, results: await this.ordered(found.results, sort) } : found;
  }

  // Pagefind orders merged results by score, which for a sorted search is each result's
  // place within its own part. The build writes each language's pages in the order of
  // each sort key (order.<language>.json, fetched when a sort is first chosen).
  async ordered(results, sort) {
    const [key, direction] = Object.entries(SORTS[sort])[0];
    this.order = this.order || fetch(`${this.bundle}order.${this.language}.json`).then((r) => r.json())
      .then((lists) => Object.fromEntries(Object.entries(lists).map(([k, ids]) =>
        [k, new Map(ids.map((id, n) => [id, n]))])));
    const place = (await this.order)[key] || new Map();
    const rank = (r) => (place.has(r.id) ? place.get(r.id) : Infinity);
    const sign = direction === "asc" ? 1 : -1;
    return [...results].sort((a, b) => (rank(a) === rank(b) ? 0 : rank(a) < rank(b) ? -sign : sign));
  }

  // Pagefind counts each value among the current results, which is what ticking it
  // gives, except within an "either" group that has a choice: there another value
  // widens the search, so that group's counts come from a search without its own choice.
  async findIndexed(state) {
    const weak = this.knownWeak.get(state.q) || [];  // until checked (see run), none
    const found = await this.search(state.q, state.chosen, state.sort, weak);
    const counts = { ...found.filters };
    for (const key of Object.keys(state.chosen).filter((k) => EITHER.has(k))) {
      const others = without(state.chosen, key);
      counts[key] = state.q || Object.keys(others).length
        ? (await this.search(state.q, others, "", weak)).filters[key]
        : this.everyValue[key];
    }
    if (weak.length) counts.district = Object.fromEntries(Object.entries(counts.district || {})
      .map(([name, n]) => [name, weak.includes(name) ? 0 : n]));
    return { source: indexed(found.results), counts, results: found.results, candidates: found.unfilteredResultCount };
  }

  // The index is in parts, one per district. A part that has no word beginning with a
  // query word matches the longest word the query word begins with instead
  // ("maintenance" finds "main"), which one whole index does only if no page at all has
  // the word. So for each district the words find, one result is read: if its text has
  // no word beginning with each query word's stem, every result of that part is such a
  // weak match, and the district is left out of the search. One search and one small
  // file per district, once per query, after the first results are drawn.
  isWeakChecked(q) {
    return this.knownWeak.has(q);
  }

  weakDistricts(q) {
    const prefixes = stems(q);
    if (!prefixes.length) return Promise.resolve([]);
    if (!this.weakCache.has(q)) {
      this.weakCache.set(q, (async () => {
        const all = await this.pagefind.search(q, { filters: {} });
        const found = Object.entries(all.filters.district || {}).filter(([, n]) => n > 0).map(([d]) => d);
        const weak = await Promise.all(found.map(async (district) => {
          const first = (await this.pagefind.search(q, { filters: { district: [district] } })).results[0];
          return first && !hasStems((await first.data()).content, prefixes) ? district : null;
        }));
        this.knownWeak.set(q, weak.filter(Boolean));
        return this.knownWeak.get(q);
      })());
    }
    return this.weakCache.get(q);
  }

  // Pagefind splits a Chinese word it does not know into single characters and matches
  // each as the start of a word, so 保费 would find a page that has only 保险 and 费用.
  // A result stands only if its text holds each run of Chinese characters as typed,
  // which needs its data (one small file each). Up to FULL_CHECK candidates, all are
  // checked in Pagefind's order, CHECK_BATCH at a time: the first page shows as soon as
  // it is full, the count and the filter counts (worked out here from the results that
  // stand) when all are checked. Past FULL_CHECK, checking them all would fetch a file
  // for each (36 MB for a common word on 10,000 projects): then Pagefind filters and
  // counts the candidates, only the results drawn are checked (at most CHECK_LIMIT
  // candidates a page), and the number found is an estimate, the candidates times the
  // share of those checked that hold.
  async findChinese(state, runs) {
    const loose = await this.findIndexed(state);
    if (loose.candidates > FULL_CHECK) {
      const many = checkedRuns(loose.results, runs, () => true, stems(state.q), CHECK_LIMIT);
      many.source.about = loose.results.length;
      return { source: many.source, counts: loose.counts };
    }
    const found = await this.search(state.q, {}, state.sort);
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
}

const CHECK_BATCH = 40;
const FULL_CHECK = 300;   // candidates all checked, so that the counts are exact
const CHECK_LIMIT = 400;  // past FULL_CHECK: candidates checked at most to draw one page

// A query with the other language's letters also searches the other language's index,
// with a second Pagefind instance; `code` is that index's Pagefind code, `htmlLang` its
// pages' <html lang>.
export class OtherIndex {
  constructor(pagefind, bundle, base, code, htmlLang, parts) {
    Object.assign(this, { pagefind, bundle, base, code, htmlLang, parts });
    this.instance = null;
  }

  load() {
    if (!this.instance) {
      const html = document.documentElement;
      const own = html.getAttribute("lang");
      let instance;
      html.setAttribute("lang", this.htmlLang); // Pagefind takes an instance's language from the page's
      try {
        instance = this.pagefind.createInstance({ basePath: new URL(this.bundle, window.location.href).href,
                                                  baseUrl: this.base });
      } finally {
        html.setAttribute("lang", own);
      }
      this.instance = Promise.all((this.parts[this.code] || []).map((part) =>
        instance.mergeIndex(this.base + part, { baseUrl: this.base, language: this.code }))).then(() => instance);
    }
    return this.instance;
  }

  // What the other index finds for the query, its filters already translated.
  async find(q, chosen) {
    const instance = await this.load();
    const found = await instance.search(q, { filters: pagefindFilters(chosen) });
    const runs = this.code === "zh-cn" ? chineseRuns(q) : [];
    if (runs.length) { // checked as on this page's own index, as far as one page needs
      const checked = checkedRuns(found.results, runs, () => true, [], CHECK_LIMIT);
      checked.source.about = found.results.length;
      return checked.source;
    }
    return indexed(found.results);
  }
}

function stems(q) {
  return q.toLowerCase().split(/\s+/).map((term) => term.replace(CJK, "").replace(/[^\p{L}\p{N}]/gu, ""))
    .filter((term) => term.length > 2 && /\p{L}/u.test(term))  // a number is a whole word, not stemmed
    .map((term) => term.slice(0, Math.max(3, term.length - 3))); // what any form of the word begins with
}

function hasStems(content, prefixes) {
  const words = (content || "").toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return prefixes.every((p) => words.some((w) => w.startsWith(p)));
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

export function passes(filters, chosen) {
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
