// copydesk web UI: progressive enhancement only; every page works without this file.
// No inline script anywhere (the Content-Security-Policy forbids it), no network calls.
"use strict";

(function () {
  // the story list: re-sort as soon as another order is picked
  document.querySelectorAll("select.autosubmit").forEach(function (sel) {
    sel.addEventListener("change", function () { if (sel.form) sel.form.submit(); });
  });

  // the comparison: connect each aligned passage on the left to its counterpart on the right
  var svg = document.getElementById("connectors");
  var left = document.getElementById("left-text");
  var right = document.getElementById("right-text");
  if (!svg || !left || !right) return;
  var NS = "http://www.w3.org/2000/svg";

  function firstOf(root) {
    var out = {};
    root.querySelectorAll("[data-p]").forEach(function (el) {
      var p = el.getAttribute("data-p");
      if (!(p in out)) out[p] = el;
    });
    return out;
  }

  function kindOf(el) {
    var kinds = ["verbatim", "edited", "paraphrase"];
    for (var i = 0; i < kinds.length; i++) if (el.classList.contains(kinds[i])) return kinds[i];
    return "other";
  }

  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var box = svg.getBoundingClientRect();
    var l = firstOf(left), r = firstOf(right);
    var w = box.width;
    Object.keys(l).forEach(function (p) {
      if (!(p in r)) return;
      var a = l[p].getBoundingClientRect(), b = r[p].getBoundingClientRect();
      var y0 = a.top - box.top + Math.min(a.height, 18) / 2;
      var y1 = b.top - box.top + Math.min(b.height, 18) / 2;
      var path = document.createElementNS(NS, "path");
      path.setAttribute("d", "M0," + y0 + " C" + w / 2 + "," + y0 + " " + w / 2 + "," + y1 + " " + w + "," + y1);
      path.setAttribute("class", kindOf(l[p]));
      path.setAttribute("data-p", p);
      svg.appendChild(path);
    });
    svg.setAttribute("data-drawn", String(svg.childNodes.length));
  }

  function hot(p, on) {
    document.querySelectorAll('[data-p="' + p + '"]').forEach(function (el) { el.classList.toggle("hot", on); });
  }

  [left, right].forEach(function (root) {
    root.addEventListener("mouseover", function (ev) {
      var el = ev.target.closest("[data-p]");
      if (el) hot(el.getAttribute("data-p"), true);
    });
    root.addEventListener("mouseout", function (ev) {
      var el = ev.target.closest("[data-p]");
      if (el) hot(el.getAttribute("data-p"), false);
    });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(draw);
  });
  draw();
})();
