// The projects a query names exactly (keys.js), drawn before Pagefind's ranked results
// and merged with them: a project is listed once, where it comes first.

// Exact hits listed at most (a page of results); a unit's code names all its projects,
// and the rest of them come among Pagefind's results.
const EXACT_LIMIT = 20;
const ROW_FILTERS = { district: 1, year: 2, band: 4, unit: 5, funds: 6 };  // places in a key row

function escaped(text) {
  return String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The exact hits of a query as result rows of this page's language, those the chosen
// filters keep. An indicator category cannot be told from a key row: with one chosen,
// the hits are not promoted (Pagefind's results still hold them where they match).
export async function exactRows(keys, q, folder, base, chosen, say) {
  if (!q || chosen.level1 || chosen.level2) return [];
  const hits = await keys.find(q, folder, EXACT_LIMIT);
  return hits.filter(({ row }) => Object.entries(chosen).every(([key, values]) =>
    values.includes(String(row[ROW_FILTERS[key]]))))
    .map(({ id, kind, printed, row }) => ({
      id,
      url: `${base}${folder}/${id}/`,
      title: row[0], district: row[1], year: String(row[2]), amount: row[3],
      excerpt: escaped(say("exact", { what: say(`kind-${kind}`), printed })),
    }));
}

// `exact` rows first, then `inner`'s (a source of engine.js) less those already listed.
// The count is exact once every inner result has been drawn (on the first page, for
// up to 20); before, an exact hit not yet met among them is counted twice.
export function merged(exact, inner) {
  const urls = new Set(exact.map((row) => row.url));
  const rows = [...exact];
  let next = 0;
  let met = 0;  // exact hits met among the inner results so far
  let end = false;
  const source = {
    exact: exact.length,
    get total() { return rows.length + Math.max(0, inner.total - next); },
    get done() { return inner.done && (end || next >= inner.total); },
    get about() { return inner.about === undefined ? undefined : inner.about + exact.length - met; },
    async slice(a, b) {
      while (rows.length < b && !end) {
        const want = Math.max(20, b - rows.length);
        const page = await inner.slice(next, next + want);
        next += page.length;
        if (page.length < want && (inner.done || next >= inner.total)) end = true;
        if (!page.length) end = true;
        page.forEach((data) => { if (urls.has(data.url)) met += 1; else rows.push(data); });
      }
      return rows.slice(a, b);
    },
    inner,
  };
  return source;
}
