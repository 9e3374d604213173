"use strict";
// Draws the trace: the table of maps, then for the selected map its
// timeline and the bucket grid of the snapshot the slider picks. The URL's
// #map=N&snap=K opens a map and snapshot (for screenshots).
window.onerror = function (msg, src, line) {
  const d = document.getElementById("js-error") || document.createElement("div");
  d.id = "js-error";
  d.textContent = "JavaScript error: " + msg + " (line " + line + ")";
  document.body.insertBefore(d, document.body.firstChild);
};
const T = JSON.parse(document.getElementById("gm-trace").textContent);
const STATES = ["emptyRest", "emptyOne", "evacuatedX", "evacuatedY", "evacuatedEmpty"];
const COLORS = { count: "#3b7dd8", b: "#2a9d4b", noverflow: "#c0392b", evac: "#d9823b" };

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}
function svg(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}
function state(th) { return th < 5 ? STATES[th] : "full"; }

const hover = el("div", { id: "hover" });
function showHover(ev, text) {
  hover.textContent = text;
  hover.style.display = "block";
  hover.style.left = ev.clientX + 12 + "px";
  hover.style.top = ev.clientY + 12 + "px";
}
function hideHover() { hover.style.display = "none"; }

function table(select) {
  const t = el("table", { class: "maps" });
  t.append(el("thead", {}, el("tr", {}, ...["#", "site", "type", "len", "B", "growths", "same-size", "max chain", "ops"].map(h => el("th", {}, h)))));
  const body = el("tbody");
  T.maps.forEach((m, i) => {
    const ops = Object.values(m.ops).reduce((a, b) => a + b, 0);
    const r = el("tr", { id: "map-" + i }, ...[i, m.site, m.type, m.final.count, m.final.b, m.growths, m.same_size_growths, m.max_chain, ops].map(v => el("td", {}, String(v))));
    r.onclick = () => select(i);
    body.append(r);
  });
  t.append(body);
  return t;
}

function timeline(m) {
  const W = 900, H = 220, P = 30;
  const s = svg("svg", { class: "timeline", width: W, height: H, viewBox: `0 0 ${W} ${H}` });
  // A sample at op N is the header after it; an event at op N happens
  // during it, so it sorts first.
  const pts = m.samples.map(x => ({ op: x[0], late: 1, count: x[1], b: x[2], nov: x[3], nev: x[4], nold: x[5] }));
  for (const e of m.events) pts.push({ op: e.op, late: 0, count: e.state.count, b: e.state.b, nov: e.state.noverflow, nev: e.state.nevacuate, nold: e.state.noldbuckets });
  pts.sort((a, b) => a.op - b.op || a.late - b.late);
  const maxOp = Math.max(1, m.clock);
  const realMax = f => Math.max(0, ...pts.map(f));
  const [topCount, topB, topNov] = [realMax(p => p.count), realMax(p => p.b), realMax(p => p.nov)];
  const [maxCount, maxB, maxNov] = [Math.max(1, topCount), Math.max(1, topB), Math.max(1, topNov)];
  const x = op => P + (W - 2 * P) * op / maxOp;
  const y = (v, max) => H - P - (H - 2 * P) * v / max;
  // Steps: a value holds until the next point changes it.
  const line = (f, max, color) => {
    const d = pts.map((p, i) => (i ? "H" + x(p.op).toFixed(1) + " V" : "M" + x(p.op).toFixed(1) + " ") + y(f(p), max).toFixed(1)).join(" ");
    s.append(svg("path", { d, fill: "none", stroke: color, "stroke-width": 1.5 }));
  };
  s.append(svg("line", { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: "#999" }));
  line(p => p.count, maxCount, COLORS.count);
  line(p => p.b, maxB, COLORS.b);
  line(p => p.nov, maxNov, COLORS.noverflow);
  line(p => p.nold ? p.nev / p.nold : 0, 1, COLORS.evac);
  for (const e of m.events) {
    if (e.kind === "evacuate") continue;
    const mark = svg("line", { x1: x(e.op), x2: x(e.op), y1: P - 10, y2: H - P, stroke: e.kind === "grow_start" ? "#000" : "#aaa", "stroke-dasharray": e.kind === "grow_end" ? "3 2" : "", class: "ev-" + e.kind });
    const text = e.kind === "grow_start"
      ? `op ${e.op}: grow ${e.from_b} → ${e.to_b}${e.same_size ? " (same size)" : ""}, ${e.trigger === "load" ? "load factor, count " + e.count : "overflow buckets " + e.noverflow}`
      : `op ${e.op}: ${e.kind}` + (e.b !== undefined ? ` B=${e.b}` : "") + (e.chain !== undefined ? ` chain ${e.chain} len ${e.len}` : "");
    mark.addEventListener("mousemove", ev => showHover(ev, text));
    mark.addEventListener("mouseleave", hideHover);
    mark.setAttribute("stroke-width", 3);
    mark.setAttribute("stroke-opacity", 0.6);
    s.append(mark);
  }
  const label = (t, xx, yy, c) => { const e = svg("text", { x: xx, y: yy, fill: c, "font-size": 11 }); e.textContent = t; s.append(e); };
  label(`count (0–${topCount})`, P, 12, COLORS.count);
  label(`B (0–${topB})`, P + 130, 12, COLORS.b);
  label(`overflow buckets (0–${topNov})`, P + 220, 12, COLORS.noverflow);
  label("old buckets evacuated (0–100%)", P + 410, 12, COLORS.evac);
  label("marks: grow start ▮ black, grow end ┆ dashed, other events grey", P + 260, H - 8, "#555");
  label(`op ${maxOp}`, W - P - 50, H - 8, "#555");
  label("op 0", P, H - 8, "#555");
  return s;
}

function slotText(b, j) {
  let t = `slot ${j}: ${state(b.th[j])} tophash 0x${b.th[j].toString(16).padStart(2, "0")}`;
  if (b.keys && b.keys[j] !== null) t += `\nkey ${b.keys[j]}\nelem ${b.elems[j]}`;
  return t;
}

function grid(a) {
  const box = el("div", {}, el("h2", {}, `${a.name}: ${a.nbuckets} buckets`));
  if (a.gone) { box.append(el("p", {}, "in a stack frame that has returned")); return box; }
  if (a.density.length) {
    const max = Math.max(1, ...a.density);
    const c = el("canvas", { width: Math.min(a.density.length, 1024), height: 24, class: "density" });
    const g = c.getContext("2d");
    const per = a.density.length / c.width;
    for (let i = 0; i < c.width; i++) {
      let sum = 0;
      for (let k = Math.floor(i * per); k < Math.floor((i + 1) * per); k++) sum += a.density[k];
      g.fillStyle = `rgba(59,125,216,${Math.min(1, sum / per / max)})`;
      g.fillRect(i, 0, 1, 24);
    }
    box.append(c, el("p", {}, `density strip: full slots per ${a.group > 1 ? "group of " + a.group + " buckets" : "bucket"} (darker is fuller)`));
    return box;
  }
  const g = el("div", { class: "grid" });
  a.chains.forEach((chain, bi) => {
    const ch = el("div", { class: "chain" }, el("div", { class: "idx" }, String(bi)));
    chain.forEach((b, oi) => {
      b.th = [];
      for (let j = 0; j < 8; j++) b.th.push(parseInt(b.top.substr(2 * j, 2), 16));
      const row = el("div", { class: oi ? "bmap ovf" : "bmap" });
      for (let j = 0; j < 8; j++) {
        const s = el("div", { class: "slot s-" + state(b.th[j]) });
        s.addEventListener("mousemove", ev => showHover(ev, `bucket ${bi}${oi ? " overflow " + oi : ""}\n` + slotText(b, j)));
        s.addEventListener("mouseleave", hideHover);
        row.append(s);
      }
      ch.append(row);
    });
    g.append(ch);
  });
  box.append(g);
  return box;
}

function legend() {
  const l = el("div", { class: "legend" });
  for (const s of [...STATES, "full"]) l.append(el("span", {}, el("i", { class: "s-" + s }), s));
  return l;
}

function main() {
  document.body.append(el("h1", {}, `gm trace: ${T.file}` + (T.seed !== null ? ` (seed ${T.seed})` : "")), hover);
  if (!T.maps.length) { document.body.append(el("p", {}, "No map was made.")); return; }
  const view = el("div", { id: "view" });
  const select = i => {
    document.querySelectorAll("table.maps tr.sel").forEach(r => r.classList.remove("sel"));
    document.getElementById("map-" + i).classList.add("sel");
    const m = T.maps[i];
    view.replaceChildren();
    view.append(el("h2", {}, `map ${i}: ${m.type} made at ${m.site}`),
      el("p", {}, `key ${m.key_size} B${m.indirect_key ? " (indirect)" : ""}, elem ${m.elem_size} B${m.indirect_elem ? " (indirect)" : ""}, hint ${m.hint === null ? "none passed" : m.hint}, header on the ${m.stack ? "stack" : "heap"}; ${m.elided_events} events not kept`),
      el("h2", {}, "Timeline, over the map's operation clock (hover a mark)"),
      timeline(m),
      el("h2", {}, "Bucket arrays (hover a slot)"));
    const snaps = el("div", { id: "snapshot" });
    const label = el("span");
    // Start on the last snapshot that still has an array to draw.
    let start = m.snapshots.length - 1;
    while (start > 0 && !m.snapshots[start].arrays.some(a => !a.gone)) start--;
    const slider = el("input", { type: "range", min: 0, max: m.snapshots.length - 1, value: start, id: "snap-slider" });
    const show = () => {
      const s = m.snapshots[+slider.value];
      label.textContent = ` snapshot ${+slider.value + 1}/${m.snapshots.length}: ${s.why} at op ${s.op}, count ${s.state.count}, B ${s.state.b}, overflow buckets ${s.state.noverflow}`;
      snaps.replaceChildren(legend(), el("div", { class: "arrays" }, ...s.arrays.map(grid)));
    };
    slider.oninput = show;
    view.append(el("div", {}, slider, label), snaps);
    show();
  };
  document.body.append(table(select), view);
  const opts = {};
  location.hash.slice(1).split("&").forEach(kv => { const [k, v] = kv.split("="); if (v !== undefined) opts[k] = Number(v); });
  let best = 0;
  T.maps.forEach((m, i) => { if (m.growths > T.maps[best].growths) best = i; });
  select(opts.map >= 0 && opts.map < T.maps.length ? opts.map : best);
  if (opts.snap >= 0) {
    const sl = document.getElementById("snap-slider");
    sl.value = String(opts.snap);
    sl.oninput();
  }
}
main();
document.body.setAttribute("data-rendered", "ok");
