"""The browser side: an EventSource client that reloads, swaps stylesheets and shows the error overlay.

Kept as a Python string so the package needs no package-data entry.
"""

CLIENT_JS = r"""(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource || window.__ssgLiveReload) { return; }
  window.__ssgLiveReload = true;
  var version = me.getAttribute("data-version");
  var OVERLAY_ID = "ssg-error-overlay";

  function removeOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) { old.parentNode.removeChild(old); }
  }

  function showOverlay(text) {
    removeOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
      "padding:2rem 2.5rem;background:rgba(24,24,27,0.96);color:#fafafa;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left;";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Close");
    close.style.cssText = "position:absolute;top:0.75rem;right:1rem;font:24px/1 sans-serif;" +
      "background:none;border:0;color:#fafafa;cursor:pointer;";
    close.addEventListener("click", removeOverlay);
    var title = document.createElement("div");
    title.textContent = "Build failed: the last good pages are still served.";
    title.style.cssText = "font-weight:bold;color:#f87171;margin-bottom:1rem;";
    box.appendChild(close);
    box.appendChild(title);
    String(text).split("\n").forEach(function (line) {
      if (!line) { return; }
      var row = document.createElement("div");
      row.className = "ssg-error-line";
      row.textContent = line;
      row.style.cssText = "white-space:pre-wrap;word-break:break-word;margin:0.2rem 0;";
      box.appendChild(row);
    });
    (document.body || document.documentElement).appendChild(box);
  }

  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.getAttribute("href"), document.baseURI);
      if (url.origin !== location.origin || link.__ssgReplaced) { return; }
      url.searchParams.set("livereload", String(Date.now()));
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      link.__ssgReplaced = true;
      var done = function () { if (link.parentNode) { link.parentNode.removeChild(link); } };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.parentNode.insertBefore(fresh, link.nextSibling);
    });
  }

  function data(event) { return JSON.parse(event.data); }

  function connect() {
    var source = new EventSource(me.getAttribute("data-events"));
    source.addEventListener("hello", function (event) {
      // A rebuild or a server restart since this page was served: it is stale.
      if (data(event).version !== version) { location.reload(); }
    });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("css", function (event) {
      version = data(event).version;
      swapStylesheets();
    });
    source.addEventListener("error", function (event) {
      if (event.data !== undefined) { showOverlay(data(event).text); return; }
      // The browser retries by itself unless it gave up (e.g. a failed response): then we do.
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 1000); }
    });
    source.addEventListener("clear", removeOverlay);
  }

  connect();
})();
"""
