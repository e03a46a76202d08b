// The search page's state is its URL (?q=…&district=…&sort=…), so that a search can be
// shared, bookmarked and restored with Back.

export const FILTERS = ["district", "year", "band", "unit", "funds", "level1", "level2"];
// A project has one district, year, unit and source of funds: choosing two values of
// these means "either". It may have several indicator categories: choosing two of
// those means "both".
export const EITHER = new Set(["district", "year", "band", "unit", "funds"]);
export const SORTS = {
  "amount-desc": { amount: "desc" },
  "amount-asc": { amount: "asc" },
  "year-desc": { year: "desc" },
  "year-asc": { year: "asc" },
};
// Runs of Chinese (and Japanese or Korean) characters in a query.
export const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

export function fromUrl(location = window.location) {
  const params = new URLSearchParams(location.search);
  const chosen = {};
  FILTERS.forEach((key) => {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) chosen[key] = values;
  });
  return { q: (params.get("q") || "").trim(), sort: SORTS[params.get("sort")] ? params.get("sort") : "", chosen };
}

export function fromForm(form) {
  const data = new FormData(form);
  const chosen = {};
  FILTERS.forEach((key) => {
    const values = data.getAll(key).map(String);
    if (values.length) chosen[key] = values;
  });
  return { q: String(data.get("q") || "").trim(), sort: String(data.get("sort") || ""), chosen };
}

export function urlFor(state, path = window.location.pathname) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  FILTERS.forEach((key) => (state.chosen[key] || []).forEach((v) => params.append(key, v)));
  if (state.sort) params.set("sort", state.sort);
  const search = params.toString();
  return path + (search ? "?" + search : "");
}

export function ticked(chosen) {
  return Object.values(chosen).reduce((sum, values) => sum + values.length, 0);
}

export function without(chosen, key) {
  const rest = { ...chosen };
  delete rest[key];
  return rest;
}

// The Chinese runs of a query, each whitespace-separated term's.
export function chineseRuns(q) {
  return q.split(/\s+/).flatMap((term) => term.match(CJK) || []);
}
