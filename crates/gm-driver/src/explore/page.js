"use strict";
// Renders gm explore's data (the JSON block above) into one column per
// stage. Every line knows its source line; hovering highlights a source
// line's lines in every column, clicking pins it and scrolls them into
// view. Large columns are rendered a function at a time as they scroll in.
window.onerror = function (msg, src, line) {
  var d = document.getElementById("js-error") || document.createElement("div");
  d.id = "js-error";
  d.textContent = "JavaScript error: " + msg + " (line " + line + ")";
  document.body.insertBefore(d, document.body.firstChild);
};
(function () {
  var D = JSON.parse(document.getElementById("gm-data").textContent);
  var EAGER = 30000; // lines per column rendered at once; beyond, lazily
  var byLine = {}; // source line -> rendered line elements
  var pinned = 0;
  var current = D.start;

  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function why(call) {
    var r = call[1] >= 0 ? D.reasons[call[1]] : "";
    return call[0] + (r ? " \u2014 " + r : "");
  }

  // Header: title, function picker, legend toggle.
  var header = el("header");
  var h1 = el("h1");
  h1.appendChild(document.createTextNode("gm explore "));
  h1.appendChild(el("code", "", D.file));
  header.appendChild(h1);
  var pickLabel = el("label", "", "function ");
  var pick = el("select");
  pick.id = "pick";
  var all = el("option", "", "all functions");
  all.value = "-1";
  pick.appendChild(all);
  D.functions.forEach(function (f, i) {
    var o = el("option", "", f.name + (f.line ? "  (line " + f.line + ")" : ""));
    o.value = String(i);
    pick.appendChild(o);
  });
  pickLabel.appendChild(pick);
  header.appendChild(pickLabel);
  var legendBtn = el("button", "", "legend");
  header.appendChild(legendBtn);
  header.appendChild(el("span", "", "hover or click a line to link it to its source"));
  document.body.appendChild(header);

  var legend = el("div");
  legend.id = "legend";
  var dl = el("dl");
  D.legend.forEach(function (x) {
    dl.appendChild(el("dt", "", x[0]));
    dl.appendChild(el("dd", "", x[1]));
  });
  legend.appendChild(dl);
  // Map calls per function.
  var table = el("table");
  table.id = "per-function";
  var head = el("tr");
  head.appendChild(el("th", "", "function"));
  head.appendChild(el("th", "", "map calls"));
  table.appendChild(head);
  D.functions.forEach(function (f) {
    var tr = el("tr");
    tr.appendChild(el("td", "", f.name));
    var td = el("td");
    if (!f.summary.length) td.textContent = "none";
    f.summary.forEach(function (x) { td.appendChild(el("span", "chip", x[0] + " \u00d7" + x[1])); });
    tr.appendChild(td);
    table.appendChild(tr);
  });
  legend.appendChild(el("h3", "", "map calls per function"));
  legend.appendChild(table);
  document.body.appendChild(legend);
  legendBtn.onclick = function () { legend.classList.toggle("open"); };

  var summary = el("div");
  summary.id = "summary";
  document.body.appendChild(summary);

  var main = el("main");
  document.body.appendChild(main);

  function column(stage, title) {
    var c = el("section", "col");
    c.id = "col-" + stage;
    c.setAttribute("data-stage", stage);
    var h = el("h2", "", title);
    h.title = "collapse or expand";
    h.onclick = function () { c.classList.toggle("collapsed"); };
    c.appendChild(h);
    var body = el("div", "body");
    c.appendChild(body);
    main.appendChild(c);
    return body;
  }

  function lineHTML(func, text, src, calls, num) {
    var attrs = src ? ' data-s="' + src + '"' : "";
    var cls = src ? "l" : "l nosrc";
    var h = '<div class="' + cls + '"' + attrs + ">";
    if (num) h += '<span class="n">' + num + "</span>";
    var t = esc(text);
    if (calls) {
      calls.forEach(function (c) {
        t = t.replace(new RegExp("\\b(" + c[0] + ")\\b"), '<span class="call" title="' + esc(why(c)) + '">$1</span>');
      });
    }
    h += t + "</div>";
    if (calls) {
      calls.forEach(function (c) {
        h += '<div class="why-row" data-call="' + c[0] + '"' + attrs + ">" + esc(why(c)) + "</div>";
      });
    }
    return h;
  }

  function index(root) {
    var ls = root.querySelectorAll("[data-s]");
    for (var i = 0; i < ls.length; i++) {
      var s = ls[i].getAttribute("data-s");
      (byLine[s] = byLine[s] || []).push(ls[i]);
      if (pinned && s === String(pinned)) ls[i].classList.add("sel");
    }
  }

  // The source column.
  var srcBody = column("source", "source");
  var sh = [];
  D.source.forEach(function (t, i) { sh.push(lineHTML(-1, t, i + 1, null, i + 1)); });
  srcBody.innerHTML = sh.join("");
  index(srcBody);

  // One column per stage, one section per function.
  var sections = [];
  var lazy = typeof IntersectionObserver === "function" ? new IntersectionObserver(function (es) {
    es.forEach(function (e) { if (e.isIntersecting) fill(e.target); });
  }, { rootMargin: "2000px" }) : null;
  function fill(sec) {
    if (sec.filled) return;
    sec.filled = true;
    if (lazy) lazy.unobserve(sec);
    var h = [];
    for (var i = sec.from; i < sec.to; i++) {
      var l = sec.lines[i];
      h.push(lineHTML(l[0], l[1], l[2], l[3]));
    }
    sec.style.height = "";
    sec.innerHTML = h.join("");
    index(sec);
  }
  D.columns.forEach(function (c) {
    var body = column(c.stage, c.title);
    var eager = c.lines.length <= EAGER;
    var i = 0;
    while (i < c.lines.length) {
      var f = c.lines[i][0], j = i;
      while (j < c.lines.length && c.lines[j][0] === f) j++;
      var sec = el("div", "sec");
      sec.setAttribute("data-func", String(f));
      sec.lines = c.lines; sec.from = i; sec.to = j;
      body.appendChild(sec);
      sections.push(sec);
      if (eager || !lazy) fill(sec);
      else { sec.style.height = (j - i) * 16 + "px"; lazy.observe(sec); }
      i = j;
    }
  });

  // The program's output, when run for the page (--seed).
  if (D.run) {
    var out = column("output", "output (seed " + D.run.seed + ", exit status " + D.run.status + ")");
    (D.run.stdout + D.run.stderr).split("\n").forEach(function (t) {
      out.appendChild(el("div", "l nosrc", t));
    });
  }

  function showSummary() {
    var fs = current >= 0 ? [current] : D.functions.map(function (_, i) { return i; });
    var counts = {};
    fs.forEach(function (i) {
      D.functions[i].summary.forEach(function (s) { counts[s[0]] = (counts[s[0]] || 0) + s[1]; });
    });
    summary.textContent = (current >= 0 ? D.functions[current].name : "all functions") + " \u2014 map calls: ";
    var names = Object.keys(counts).sort();
    if (!names.length) summary.appendChild(document.createTextNode("none"));
    names.forEach(function (n) { summary.appendChild(el("span", "chip", n + " \u00d7" + counts[n])); });
  }

  function choose(i) {
    current = i;
    sections.forEach(function (s) {
      var f = Number(s.getAttribute("data-func"));
      s.classList.toggle("hidden", i >= 0 && f !== i);
      if (i >= 0 && f === i) fill(s);
    });
    showSummary();
    if (i >= 0 && D.functions[i].line) scrollTo(srcBody, byLine[D.functions[i].line]);
  }
  pick.onchange = function () { choose(Number(pick.value)); };

  function scrollTo(body, els) {
    if (!els) return;
    for (var k = 0; k < els.length; k++) {
      if (body.contains(els[k]) && els[k].offsetParent !== null) {
        body.scrollTop = els[k].offsetTop - body.offsetTop - body.clientHeight / 3;
        return;
      }
    }
  }
  function mark(s, cls, on) {
    (byLine[s] || []).forEach(function (e) { e.classList.toggle(cls, on); });
  }
  main.addEventListener("mouseover", function (ev) {
    var t = ev.target.closest("[data-s]");
    if (t) mark(t.getAttribute("data-s"), "hl", true);
  });
  main.addEventListener("mouseout", function (ev) {
    var t = ev.target.closest("[data-s]");
    if (t) mark(t.getAttribute("data-s"), "hl", false);
  });
  main.addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-s]");
    if (t) pin(Number(t.getAttribute("data-s")), t.closest(".body"));
  });
  function pin(line, here) {
    if (pinned) mark(String(pinned), "sel", false);
    pinned = line;
    mark(String(pinned), "sel", true);
    // Lines of this source line in sections not rendered yet.
    sections.forEach(function (s) {
      if (s.filled) return;
      for (var i = s.from; i < s.to; i++) if (s.lines[i][2] === pinned) { fill(s); return; }
    });
    document.querySelectorAll(".body").forEach(function (b) {
      if (b !== here) scrollTo(b, byLine[pinned]);
    });
  }

  // A link may choose the view: #func=NAME&line=N&collapse=typed,order
  var opts = {};
  location.hash.slice(1).split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i > 0) opts[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
  });
  if (opts.func) {
    D.functions.forEach(function (f, i) { if (f.name === opts.func) current = i; });
  }
  (opts.collapse || "").split(",").forEach(function (st) {
    var c = document.getElementById("col-" + st);
    if (c) c.classList.add("collapsed");
  });

  if (current >= 0) { pick.value = String(current); choose(current); } else showSummary();
  if (opts.line) pin(Number(opts.line), null);
  document.body.setAttribute("data-rendered", "ok");
  document.body.setAttribute("data-render-ms", String(Math.round(performance.now())));
})();
