/* cxkit loader: draws the charts and diagrams of a cxkit page, offline.
 *
 * - Every JSON script element of class "cxkit-vega" holds a Vega-Lite
 *   spec (JSON, never executed); a div is inserted after it and vegaEmbed draws
 *   the chart there as SVG, with Vega's expression interpreter (no eval).
 * - On pages whose root element has data-cxkit-mermaid="run", Mermaid draws every
 *   pre.mermaid element with securityLevel "strict" (MkDocs Material pages draw
 *   Mermaid themselves and do not set it).
 * - Every section.cxkit-map (the journey map at the top of a page) gets its
 *   toolbar wired: "fit to width" / "100 %" zoom, one button per page of the map
 *   (pages by stage), previous / next, the left and right arrow keys; a cue shows
 *   when the map at 100 % is wider than the window.
 * Works with Material's instant navigation (document$) and without it.
 */
(function () {
  "use strict";

  function fail(target, what, err) {
    var message = (err && err.message) || String(err);
    if (window.console) { console.error("cxkit: " + what + " failed: " + message); }
    var p = document.createElement("p");
    p.className = "cxkit-error";
    p.textContent = "cxkit: " + what + " failed: " + message;
    target.appendChild(p);
  }

  function drawCharts() {
    var blocks = document.querySelectorAll('script[type="application/json"].cxkit-vega');
    Array.prototype.forEach.call(blocks, function (block) {
      if (block.getAttribute("data-cxkit-drawn")) { return; }
      block.setAttribute("data-cxkit-drawn", "1");
      var target = document.createElement("div");
      target.className = "cxkit-vega-chart";
      block.parentNode.insertBefore(target, block.nextSibling);
      if (typeof window.vegaEmbed !== "function") {
        fail(target, "chart", new Error("vegaEmbed is not loaded"));
        return;
      }
      var spec;
      try {
        spec = JSON.parse(block.textContent);
      } catch (err) {
        fail(target, "chart", err);
        return;
      }
      // ast: vega-embed evaluates expressions with Vega's interpreter, not eval
      // (the standalone page's Content-Security-Policy forbids eval).
      var options = { actions: false, renderer: "svg", ast: true };
      window.vegaEmbed(target, spec, options).then(function () {
        target.dispatchEvent(new CustomEvent("cxkit:drawn", { bubbles: true }));
      }).catch(function (err) {
        fail(target, "chart", err);
      });
    });
  }

  function drawDiagrams() {
    var root = document.documentElement;
    if (root.getAttribute("data-cxkit-mermaid") !== "run" || !window.mermaid) { return; }
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      maxTextSize: 500000,
      theme: "default"
    });
    window.mermaid.run({ querySelector: "pre.mermaid" }).catch(function (err) {
      fail(document.body, "diagram", err);
    });
  }

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function press(buttons, on) {
    Array.prototype.forEach.call(buttons, function (b) {
      b.setAttribute("aria-pressed", on(b) ? "true" : "false");
    });
  }

  function wireMap(map) {
    if (map.getAttribute("data-cxkit-wired")) { return; }
    map.setAttribute("data-cxkit-wired", "1");
    var pages = map.querySelectorAll(".cxkit-map-page");
    var pageButtons = map.querySelectorAll("button.cxkit-page");
    var zoomButtons = map.querySelectorAll("button.cxkit-zoom");
    var cue = map.querySelector(".cxkit-scroll-cue");
    var current = 0;

    function updateCue() {
      var box = pages[current] && pages[current].querySelector(".cxkit-chart");
      if (cue && box) { cue.hidden = !(box.scrollWidth > box.clientWidth + 1); }
    }
    function show(k) {
      if (k < 0 || k >= pages.length) { return; }
      current = k;
      Array.prototype.forEach.call(pages, function (p, i) { p.hidden = i !== k; });
      press(pageButtons, function (b) { return Number(b.getAttribute("data-page")) === k; });
      map.setAttribute("data-page", String(k));
      updateCue();
    }
    function zoom(mode) {
      map.setAttribute("data-zoom", mode);
      press(zoomButtons, function (b) { return b.getAttribute("data-zoom") === mode; });
      updateCue();
    }
    each(map, "button.cxkit-zoom", function (b) {
      b.addEventListener("click", function () { zoom(b.getAttribute("data-zoom")); });
    });
    each(map, "button.cxkit-page", function (b) {
      b.addEventListener("click", function () { show(Number(b.getAttribute("data-page"))); });
    });
    each(map, "button.cxkit-prev", function (b) {
      b.addEventListener("click", function () { show(current - 1); });
    });
    each(map, "button.cxkit-next", function (b) {
      b.addEventListener("click", function () { show(current + 1); });
    });
    map.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft") { show(current - 1); }
      if (e.key === "ArrowRight") { show(current + 1); }
    });
    var chosen = false;  // the reader picked a zoom: never change it for them
    map.addEventListener("cxkit:drawn", function () {
      // Fit to width unless that shrinks the map below 70 % of its size (text too
      // small to read): then 100 %, scrolling sideways, with the cue showing.
      var box = pages[current] && pages[current].querySelector(".cxkit-chart");
      var svg = box && box.querySelector("svg");
      var natural = svg ? Number(svg.getAttribute("width")) : 0;
      if (!chosen && natural && natural * 0.7 > box.clientWidth) { zoom("full"); }
      updateCue();
    });
    each(map, "button.cxkit-zoom", function (b) {
      b.addEventListener("click", function () { chosen = true; });
    });
    window.addEventListener("resize", updateCue);
    map.setAttribute("data-page", "0");
  }

  function draw() {
    each(document, "section.cxkit-map", wireMap);
    drawCharts();
    drawDiagrams();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(draw);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
