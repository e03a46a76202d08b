// The indicator explorer, in place: filters that live in the URL, results drawn from
// the parts of the data a view needs (one level-2 category and/or one budget year),
// and "download these results" as CSV made here from the open data's own lines.
// Without this file the page lists the categories' static pages instead.
import { csvName, fetchEach, saveCsv } from "./csv.js";

(function () {
  "use strict";

  var root = document.getElementById("explorer");
  if (!root || !window.fetch) { return; }
  var form = document.getElementById("explorer-filters");
  var status = document.getElementById("explorer-status");
  var results = document.getElementById("explorer-results");
  var body = document.getElementById("explorer-rows");
  var more = document.getElementById("explorer-more");
  var exportButton = document.getElementById("explorer-export");
  var base = root.dataset.base, lang = root.dataset.lang;
  var FILTERS = ["level1", "level2", "year", "district", "unit", "type", "op", "sort"];
  var STEP = 200;  // rows drawn at a time
  var SIGNS = {"=": "=", ">=": "≥", "<=": "≤", ">": ">", "<": "<"};
  var shards = root.dataset.shards.split(" ").filter(Boolean);
  var loaded = {};   // shard → its parsed JSON (a promise)
  var matched = [];  // the rows that match, in the order shown
  var shown = 0;
  var number = new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-GB", {maximumFractionDigits: 6});

  function field(name) { return form.elements[name]; }
  function chosen() {
    var state = {};
    FILTERS.forEach(function (name) { if (field(name).value) { state[name] = field(name).value; } });
    return state;
  }
  function message(name, values) {
    return root.dataset["msg" + name].replace(/\{(\w+)\}/g, function (_, key) {
      return number.format(values[key]);
    });
  }
  function label(select, value) {
    var option = select.querySelector('option[value="' + CSS.escape(value) + '"]');
    return option ? option.textContent.replace(/\s*\([\d,.\s]+\)$/, "") : value;
  }

  // The parts a view needs: a level-2 category's years, a year's categories, or (with
  // neither chosen) every part, read a year at a time (see fill).
  function needed(state) {
    return shards.filter(function (shard) {
      var parts = shard.split("/");
      return (!state.level2 || parts[0] === state.level2) &&
             (!state.year || parts[1] === state.year) &&
             (!state.level1 || parts[0].indexOf(state.level1 + "-") === 0);
    });
  }
  function yearsOf(parts) {
    return Array.from(new Set(parts.map(function (shard) { return shard.split("/")[1]; })))
      .sort().reverse();
  }
  function load(shard) {
    if (!loaded[shard]) {
      loaded[shard] = fetch(base + "data/explorer/" + shard + ".json").then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) { return rows(shard, data); });
    }
    return loaded[shard];
  }
  function rows(shard, data) {
    var parts = shard.split("/");
    return data.rows.map(function (r) {
      var p = data.projects[r[0]];
      return {shard: shard, level2: parts[0], year: Number(parts[1]), key: p[0],
              project: [p[1], p[2]], district: p[3], id: r[1], position: r[2],
              name: [r[3], r[4]], op: r[5], number: r[6] === null ? null : Number(r[6]),
              numberText: r[6], text: [r[7], r[8]], unit: r[9] || "-", type: r[10]};
    });
  }

  function matches(state, row) {
    return (!state.district || row.district === state.district) &&
           (!state.unit || row.unit === state.unit) && (!state.type || row.type === state.type) &&
           (!state.op || row.op === state.op);
  }
  function order(state, list) {
    var byValue = state.sort && state.unit ? (state.sort === "value-asc" ? 1 : -1) : 0;
    return list.sort(function (a, b) {
      if (byValue && (a.number === null) !== (b.number === null)) { return a.number === null ? 1 : -1; }
      if (byValue && a.number !== b.number) { return (a.number - b.number) * byValue; }
      return b.year - a.year || cmp(a.district, b.district) || cmp(a.key, b.key) ||
             a.position - b.position;
    });
  }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // A text in the page's language; Chinese stands in, marked, where English is missing.
  function text(pair) {
    var span = document.createElement("span");
    if (lang === "zh" || pair[1]) { span.textContent = lang === "zh" ? pair[0] : pair[1]; return span; }
    var zh = document.createElement("span");
    zh.lang = "zh-CN";
    zh.textContent = pair[0];
    var note = document.createElement("span");
    note.className = "untranslated";
    note.textContent = root.dataset.untranslated;
    span.append(zh, " ", note);
    return span;
  }
  function link(href, content) {
    var a = document.createElement("a");
    a.href = href;
    a.append(content);
    return a;
  }
  function cell(tag, header, content) {
    var el = document.createElement(tag);
    if (tag === "th") { el.scope = "row"; } else { el.dataset.label = header.textContent; }
    if (content !== undefined) { el.append(content); }
    return el;
  }
  function draw(row) {
    var heads = results.querySelectorAll("thead th");
    var page = base + lang + "/" + row.key + "/";
    var tr = document.createElement("tr");
    var abbr = document.createElement("abbr");
    abbr.title = label(field("op"), row.op);
    abbr.textContent = SIGNS[row.op];
    tr.append(
      cell("th", heads[0], link(page + "#indicator-" + row.id, text(row.name))),
      cell("td", heads[1], link(page, text(row.project))),
      cell("td", heads[2], label(field("district"), row.district)),
      cell("td", heads[3], String(row.year)),
      cell("td", heads[4], abbr),
      cell("td", heads[5], row.number !== null ? target(row) : text(row.text)),
      cell("td", heads[6], row.unit === "-" ? "" : millions(row) ? "CNY" : label(field("unit"), row.unit)),
      cell("td", heads[7], label(field("type"), row.type)));
    tr.children[5].className = "value";
    return tr;
  }
  // In English a target in 万元 or 亿元 is given in millions of CNY, as on the project
  // page (550 万元: 5.5 million, unit CNY), never as "550 units of CNY 10,000".
  var PER_MILLION = {"万元": 100, "亿元": 0.01};
  function millions(row) { return lang === "en" && row.number !== null && PER_MILLION[row.unit]; }
  function target(row) {
    var per = millions(row);
    return per ? number.format(row.number / per) + "\u00a0million" : number.format(row.number);
  }
  function drawMore() {
    var run = current;
    fill(chosen(), run).then(function () {
      if (run !== current) { return; }
      var next = matched.slice(shown, shown + STEP);
      body.append.apply(body, next.map(draw));
      shown += next.length;
      results.hidden = shown === 0;
      more.hidden = shown >= matched.length && !pending.length;
      exportButton.disabled = matched.length === 0 || pending.length > 0;
      status.textContent = pending.length ? message("Newest", {shown: shown})
        : shown < matched.length ? message("Shown", {n: matched.length, shown: shown})
        : message("Count", {n: matched.length});
    }).catch(failed(run));
  }

  // With no category and no year chosen, the rows come a budget year at a time, newest
  // first, until a page is full: the first page shows at once, and the rows already
  // drawn keep their place as older years follow ("Show more").
  var pending = [];  // the years not read yet
  function rowsOf(state, parts) {
    return Promise.all(parts.map(load)).then(function (lists) {
      return [].concat.apply([], lists).filter(function (row) { return matches(state, row); });
    });
  }
  function fill(state, run) {
    if (matched.length - shown >= STEP || !pending.length) { return Promise.resolve(); }
    var year = pending.shift();
    var parts = needed(state).filter(function (shard) { return shard.split("/")[1] === year; });
    return rowsOf(state, parts).then(function (list) {
      if (run !== current) { return; }
      matched = matched.concat(order(state, list));
      return fill(state, run);
    });
  }
  function failed(run) {
    return function () { if (run === current) { status.textContent = root.dataset.msgFailed; } };
  }

  // The URL holds the filters, so a view can be linked, bookmarked and reloaded.
  function remember(state) {
    var query = new URLSearchParams(state).toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }
  function restore() {
    var query = new URLSearchParams(location.search);
    FILTERS.forEach(function (name) {
      var value = query.get(name);
      if (value && field(name).querySelector('option[value="' + CSS.escape(value) + '"]')) {
        field(name).value = value;
      }
    });
  }

  var current = 0;  // the latest update; an older one that finishes later is dropped
  function update() {
    var state = chosen(), run = ++current;
    field("sort").disabled = !state.unit;
    if (!state.unit) { delete state.sort; }
    remember(state);
    body.replaceChildren();
    matched = [];
    shown = 0;
    more.hidden = true;
    exportButton.disabled = true;
    var parts = needed(state);
    // Sorting by value needs every row first; otherwise a year at a time.
    pending = state.level2 || state.year || state.sort ? [] : yearsOf(parts);
    status.textContent = root.dataset.msgLoading;
    var rows = pending.length ? Promise.resolve([]) : rowsOf(state, parts);
    rows.then(function (list) {
      if (run !== current) { return; }
      matched = order(state, list);
      drawMore();
      if (chosen().sort && !state.unit) { status.textContent += " " + root.dataset.msgSort; }
    }).catch(failed(run));
  }

  // CSV records of an open-data file, each as written (quotes and all) with its fields.
  function records(csv) {
    var out = [], fields = [], value = "", start = 0, quoted = false, i;
    for (i = 0; i < csv.length; i++) {
      var c = csv[i];
      if (quoted) {
        if (c === '"' && csv[i + 1] === '"') { value += c; i++; }
        else if (c === '"') { quoted = false; }
        else { value += c; }
      } else if (c === '"') { quoted = true; }
      else if (c === ",") { fields.push(value); value = ""; }
      else if (c === "\r" && csv[i + 1] === "\n") {
        fields.push(value);
        out.push({raw: csv.slice(start, i), fields: fields});
        fields = []; value = ""; start = i + 2; i++;
      } else { value += c; }
    }
    return out;
  }
  function fileName(state) {
    var parts = Object.keys(state).map(function (name) { return name + "-" + state[name]; });
    return csvName(["indicators"].concat(parts), "_");
  }
  function download() {
    var state = chosen(), rows = matched;
    if (!state.unit) { delete state.sort; }
    var files = Array.from(new Set(rows.map(function (row) { return row.shard; })));
    var urls = files.map(function (shard) { return base + "data/explorer/" + shard + ".csv"; });
    fetchEach(urls, function (response) { return response.text(); }).then(function (texts) {
      var header = null, byKey = {};
      texts.forEach(function (csv) {
        var all = records(csv.replace(/^\ufeff/, ""));
        header = all[0].raw;
        all.slice(1).forEach(function (r) { byKey[r.fields[0] + "#" + r.fields[1]] = r.raw; });
      });
      var lines = rows.map(function (row) { return byKey[row.key + "#" + row.id]; });
      saveCsv(fileName(state), [header].concat(lines).join("\r\n") + "\r\n");
    }).catch(function (error) {
      status.textContent = error.file
        ? root.dataset.msgDownloadFailed.replace("{file}", error.file) : root.dataset.msgFailed;
    });
  }

  restore();
  root.hidden = false;
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  more.addEventListener("click", drawMore);
  exportButton.addEventListener("click", download);
  update();
})();
