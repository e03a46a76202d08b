// In an embed (/<lang>/embed/…): tell the page that frames it how tall the view is, so
// that embed-host.js there can size the <iframe> to fit. It sends the height and nothing
// else; without embed-host.js the <iframe> keeps the height its code gives it.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var sent = 0;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== sent) {
      sent = height;
      window.parent.postMessage({ budgetsiteEmbed: "height", height: height }, "*");
    }
  }
  window.addEventListener("load", send);
  window.addEventListener("resize", send);
  if (window.ResizeObserver) { new ResizeObserver(send).observe(document.documentElement); }
  send();
})();
