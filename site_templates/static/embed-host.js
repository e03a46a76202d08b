// For a page that shows this site's embeds: include it once, after the <iframe>s
// (the code each page offers under "Embed this on another site" does). Each embed
// sends its height (embed.js); the <iframe> it came from, and only that one, is
// sized to it, so nothing of the view is cut off at any width. Without this file
// an <iframe> keeps its fixed height and scrolls.
(function () {
  "use strict";
  var MIN = 100, MAX = 10000;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.budgetsiteEmbed !== "height" || typeof data.height !== "number") { return; }
    var frames = document.querySelectorAll("iframe[data-budgetsite-embed]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) { continue; }
      if (new URL(frame.src, document.baseURI).origin !== event.origin) { return; }
      frame.style.height = Math.min(MAX, Math.max(MIN, Math.round(data.height))) + "px";
      return;
    }
  });
})();
