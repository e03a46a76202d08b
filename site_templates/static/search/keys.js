// The key index of exact things (builder/outputs/search_keys.py writes it): a project's
// name in either language, its unit's name and code, a document number of its basis and
// its amounts in every printed form, each normalised as `normalise` does (the build's
// rule too), mapped to the projects they name. Read before Pagefind's ranked results:
// the projects a query names exactly come first, newest year first.
// No DOM here: the ranking test runs this module in Node against a built index.

// How a query names an amount's unit, normalised (nothing, 元 or yuan: yuan).
const UNITS = {
  "": "元", "元": "元", yuan: "元", "万": "万", "万元": "万", "亿": "亿", "亿元": "亿",
  m: "m", mn: "m", million: "m", millionyuan: "m", bn: "b", billion: "b", billionyuan: "b",
};
const UNIT_WORDS = Object.keys(UNITS).filter(Boolean).sort((a, b) => b.length - a.length);
const AMOUNT = new RegExp(`^(?:cny|rmb|人民币)?(\\d+(?:\\.\\d+)?)(${UNIT_WORDS.join("|")})?(?:元|yuan)?$`);
const KEEP = /[\p{L}\p{N}]/u;
const DIGIT = /[0-9]/;

// NFKC (full-width letters and digits made half-width), lower case, letters and digits
// only, with a point kept between two digits: 7,968,243.98 → 7968243.98.
export function normalise(text) {
  const chars = Array.from(String(text).normalize("NFKC").toLowerCase());
  return chars.filter((c, n) => KEEP.test(c) ||
    (c === "." && n > 0 && n < chars.length - 1 && DIGIT.test(chars[n - 1]) && DIGIT.test(chars[n + 1])))
    .join("");
}

// A normalised query that reads as an amount, canonical: the figure without trailing
// zeros and its unit (796.82万元 → 796.82万, cny5.50million → 5.5m); else null.
export function amountKey(key) {
  const found = AMOUNT.exec(key);
  if (!found) return null;
  let figure = found[1];
  if (figure.includes(".")) figure = figure.replace(/0+$/, "").replace(/\.$/, "");
  figure = figure.replace(/^0+(?=\d)/, "");
  return figure + UNITS[found[2] || ""];
}

// 32-bit FNV-1a of the key's UTF-8 bytes, as the build computes it.
export function hashKey(key) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// The projects a query names exactly, the strongest names first (0: the project's own
// name, document number, unit code or exact amount; 1: a rounded amount or its unit's
// name; 2, 3: another of its amounts), then newest year first: {id, kind, printed,
// strength, row}, row being [title, district, year, amount, band, unit, funds] in
// `folder`'s language. At most `limit`, so that a unit's code, which names each of its
// projects, fetches the rows of a page of them, not of all. `load(path)` gives the JSON
// of a file of the index (path relative to search-keys/), or null when there is none.
export class KeyIndex {
  constructor(load) {
    this.load = load;
    this.files = new Map();
    this.index = null;
  }

  file(path) {
    if (!this.files.has(path)) this.files.set(path, this.load(path));
    return this.files.get(path);
  }

  // Start loading the index's own file (the shard counts), before any query.
  warm() {
    this.index = this.index || this.file("index.json");
  }

  async find(query, folder, limit = Infinity) {
    const key = normalise(query);
    if (!key) return [];
    const index = await (this.index = this.index || this.file("index.json"));
    if (!index) return [];
    const keys = [...new Set([key, amountKey(key)].filter(Boolean))];
    const found = new Map();
    for (const k of keys) {
      const shard = (await this.file(`k/${hashKey(k) % index.keys}.json`)) || {};
      (shard[k] || []).forEach(([id, kind, printed, strength]) => {
        if (!found.has(id) || strength < found.get(id).strength) found.set(id, { id, kind, printed, strength });
      });
    }
    const year = (hit) => Number(hit.id.split("/")[1]);  // an id is district/year/slug
    const hits = [...found.values()].sort((a, b) =>
      a.strength - b.strength || year(b) - year(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
    const rows = await this.rows(hits.map((hit) => hit.id), folder);
    return hits.filter((hit) => rows.has(hit.id)).map((hit) => ({ ...hit, row: rows.get(hit.id) }));
  }

  // Each project's result row in `folder`'s language (zh or en), by project id
  // (district/year/slug): a Map of those found.
  async rows(ids, folder) {
    const index = await (this.index = this.index || this.file("index.json"));
    const found = new Map();
    if (!index) return found;
    await Promise.all(ids.map(async (id) => {
      const shard = (await this.file(`${folder}/${hashKey(id) % index.rows}.json`)) || {};
      if (shard[id]) found.set(id, shard[id]);
    }));
    return found;
  }
}
