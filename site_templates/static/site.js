// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // The language switcher keeps the reader's place (#anchor) on the other page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-keep-hash]");
    if (link && window.location.hash) {
      link.href = link.href.split("#")[0] + window.location.hash;
    }
  });

  // The root page sends a reader to the language the browser asks for,
  // unless they came back to choose for themselves.
  if (document.body.hasAttribute("data-language-chooser") && !document.referrer) {
    var wanted = (navigator.languages || [navigator.language || ""]).join(",").toLowerCase();
    var target = /^zh|,zh/.test(wanted) ? "zh" : /^en|,en/.test(wanted) ? "en" : null;
    var link = target && document.querySelector('a[hreflang^="' + (target === "zh" ? "zh" : "en") + '"]');
    if (link) { window.location.replace(link.href); }
  }
})();
