// Filter values are names in the page's language (五华区, Wuhua District); the build's
// pagefind/names.json pairs them, [Chinese, English] per filter, so that the language
// switch and a search of the other language's index can translate them.

export class FilterNames {
  // `table` the content of names.json; `folder` this page's language (zh or en).
  constructor(table = {}, folder = "zh") {
    const mine = folder === "zh" ? 0 : 1;
    this.there = {};
    this.back = {};
    Object.entries(table).forEach(([key, pairs]) => {
      this.there[key] = new Map(pairs.map((pair) => [pair[mine], pair[1 - mine]]));
      this.back[key] = new Map(pairs.map((pair) => [pair[1 - mine], pair[mine]]));
    });
  }

  // A filter value in the other language ("there"), or from it ("back"); a year is both.
  translated(key, value, way = "there") {
    const table = this[way][key];
    return table && table.has(value) ? table.get(value) : value;
  }

  inOtherLanguage(chosen) {
    const other = {};
    Object.entries(chosen).forEach(([key, values]) => { other[key] = values.map((v) => this.translated(key, v)); });
    return other;
  }

  // The chosen values this index has: a name of the other language's (from an older
  // link) is translated; a value this index does not have is dropped, not searched for.
  known(chosen, everyValue) {
    const kept = {};
    Object.entries(chosen).forEach(([key, values]) => {
      const has = (v) => v && everyValue[key] && v in everyValue[key];
      const found = values.map((v) => (has(v) ? v : this.translated(key, v, "back"))).filter(has);
      if (found.length) kept[key] = [...new Set(found)];
    });
    return kept;
  }
}
