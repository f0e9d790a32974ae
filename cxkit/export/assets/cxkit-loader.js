/* cxkit loader: draws the charts and diagrams of a cxkit page, offline.
 *
 * - Every JSON script element of class "cxkit-vega" holds a Vega-Lite
 *   spec (JSON, never executed); a div is inserted after it and vegaEmbed draws
 *   the chart there as SVG, with Vega's expression interpreter (no eval).
 * - On pages whose root element has data-cxkit-mermaid="run", Mermaid draws every
 *   pre.mermaid element with securityLevel "strict" (MkDocs Material pages draw
 *   Mermaid themselves and do not set it).
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
      window.vegaEmbed(target, spec, options).catch(function (err) {
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

  function draw() {
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
