// "Download these results" as CSV, for the search page and the indicator explorer: the
// open data's own lines, fetched in parts, saved as one UTF-8 file with a byte-order
// mark (so that Excel reads the Chinese). A part that does not load stops the download
// with an error naming it, never a file with rows missing.

// A file of the download that did not load: `file` its name, `why` the status or error.
export class FetchFailed extends Error {
  constructor(url, why) {
    super(`${url}: ${why}`);
    this.file = url.split("?")[0].split("/").pop();
    this.why = why;
  }
}

// Each URL's response read by `read` (the response's .json() or .text()), in order.
export function fetchEach(urls, read) {
  return Promise.all(urls.map(async (url) => {
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new FetchFailed(url, error.message || String(error));
    }
    if (!response.ok) throw new FetchFailed(url, response.status);
    return read(response);
  }));
}

// A file name from the words and filters of a view, characters a file system refuses
// (and spaces) replaced by `fill`.
export function csvName(parts, fill) {
  return parts.filter(Boolean).join("_").replace(/[\\/:*?"<>|\s]+/g, fill) + ".csv";
}

// Save `text` (CSV lines, each ending in \r\n) as the file `name`.
export function saveCsv(name, text) {
  const file = new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(file);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
