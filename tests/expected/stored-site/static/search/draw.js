// Drawing the search page: result rows and the filter boxes with their counts.

import { FILTERS } from "./state.js";

// A result row from Pagefind's data of a result; exact hits and the other language's
// results come as rows already (exact.js, search.js).
export function rowOf(data) {
  const meta = data.meta || {};
  return { url: data.url, title: meta.title || data.url, district: meta.district, year: meta.year,
           amount: meta.amount, excerpt: data.excerpt };
}

// One result: the name linked, district · year · amount, the excerpt (escaped text with
// <mark> only, from Pagefind, engine.js or exact.js), in `row.excerptLang` if another.
export function resultItem(row, say) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = row.url;
  link.textContent = row.title;
  if (row.titleLang) link.lang = row.titleLang;
  heading.append(link);
  const facts = document.createElement("p");
  facts.className = "search-result-meta";
  facts.textContent = [row.district, row.year && say("budget-year", { year: row.year }), row.amount]
    .filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.innerHTML = row.excerpt || "";
  if (row.excerptLang) excerpt.lang = row.excerptLang;
  item.append(heading, facts, excerpt);
  return item;
}

// The filter boxes: every value stays in its place; one that would give no results says
// (0). `bands` the amount bands smallest first, as the page lists them.
export class FilterBoxes {
  constructor(box, say, collator, bands) {
    Object.assign(this, { box, say, collator, bands });
  }

  sortedValues(key, counts) {
    const values = Object.keys(counts);
    if (key === "band") return values.sort((a, b) => this.bands.indexOf(a) - this.bands.indexOf(b));
    return key === "year"
      ? values.sort((a, b) => this.collator.compare(b, a))
      : values.sort((a, b) => this.collator.compare(a, b));
  }

  draw(everyValue, counts, chosen) {
    const groups = FILTERS.filter((key) => everyValue[key]).map((key) =>
      this.group(key, this.sortedValues(key, everyValue[key]), counts[key] || {}, chosen[key] || []));
    const focused = this.box.contains(document.activeElement) ? document.activeElement : null;
    this.box.replaceChildren(...groups);
    // Redrawing replaces the boxes: keep a keyboard user on the one they just used.
    if (focused) {
      const same = [...this.box.querySelectorAll("input")]
        .find((box) => box.name === focused.name && box.value === focused.value);
      if (same) same.focus();
    }
  }

  group(key, values, counts, chosen) {
    const group = document.createElement("fieldset");
    group.className = "search-filter";
    const legend = document.createElement("legend");
    legend.textContent = this.say("filter-" + key);
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

  uncheckAll() {
    this.box.querySelectorAll("input:checked").forEach((box) => { box.checked = false; });
  }
}
