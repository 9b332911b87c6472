// The archive's one script: search across every speech, and timestamps that seek the player.
// It mirrors src/search (normalize.rs, rank.rs, query.rs, passage.rs) step by step, so that
// `archive search` ranks the same way: change both together. No dependencies, no network
// but the archive's own files, loaded with <script> so that it works from file:// too.
(() => {
  "use strict";
  const player = document.getElementById("player");
  const timeOf = (h) => { const m = /^#t=(\d+(?:\.\d+)?)$/.exec(h || ""); return m ? +m[1] : null; };
  const seek = (t, play) => {
    const go = () => { player.currentTime = t; if (play) player.play().catch(() => {}); };
    if (player.readyState >= 1) go();
    else { player.addEventListener("loadedmetadata", go, { once: true }); player.preload = "metadata"; player.load(); }
  };
  if (player) {
    document.addEventListener("click", (e) => {
      const a = e.target.closest && e.target.closest("a[href^='#t=']");
      const t = a && timeOf(a.getAttribute("href"));
      if (t === null || !a) return;
      e.preventDefault();
      history.replaceState(null, "", "#t=" + t);
      seek(t, true);
    });
    addEventListener("hashchange", () => { const t = timeOf(location.hash); if (t !== null) seek(t, true); });
    const t = timeOf(location.hash);
    if (t !== null) seek(t, false);
  }

  const form = document.querySelector("form.search");
  if (!form) return;
  const root = form.dataset.root || "";
  const input = form.querySelector("input"), status = form.querySelector("[role=status]"), list = form.querySelector("ol");

  // Words and terms (normalize.rs).
  const WORD = /[\p{Alphabetic}\p{N}\p{M}\u200c\u200d]+/gu, TERM = /[\p{Alphabetic}\p{N}]+/gu;
  const DROP = /[\p{M}\u200c\u200d\u0640]/gu, VARIANT = /[يىكڪةەٱςßæœøđłı۰-۹٠-٩]/g;
  const TO = { "ي": "ی", "ى": "ی", "ك": "ک", "ڪ": "ک", "ة": "ه", "ە": "ه", "ٱ": "ا", "ς": "σ", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i" };
  const fold = (w) => (w.toLowerCase().normalize("NFKD").replace(DROP, "").toLowerCase()
    .replace(VARIANT, (c) => TO[c] || String(c.charCodeAt(0) & 15)).match(TERM) || [])
    .filter((t) => [...t].length <= 40);
  const words = (s) => [...s.matchAll(WORD)].map((m) => [m.index, m.index + m[0].length]);

  // The query and the ranking (rank.rs, query.rs).
  const query = (text) => {
    const q = [];
    for (const w of text.match(WORD) || []) for (const t of fold(w)) if (q.length < 12 && !q.some((x) => x.t === t)) q.push({ t, p: false });
    const last = q[q.length - 1], n = last ? [...last.t].length : 0;
    if (last) last.p = !/\s$/u.test(text) && n >= 2 && n < 40;
    return q;
  };
  const matches = (x, t) => t === x.t || (x.p && t.startsWith(x.t));
  const weight = (n, df) => {
    const r = Math.max(Math.floor((n * 16) / Math.max(df, 1)), 16), b = 31 - Math.clz32(r);
    return 4 * b + Math.floor((r * 4) / 2 ** b) - 4 - 15;
  };
  const field = (m) => (m & 3 ? 6 : m & 4 ? 4 : m & 8 ? 3 : m & 16 ? 1 : 0);
  const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_", VALUE = {};
  for (let i = 0; i < 64; i++) VALUE[DIGITS[i]] = i;
  const decode = (s) => {
    const docs = [], masks = [];
    let v = 0, d = -1;
    for (let i = 0; i < s.length; i++) {
      const x = VALUE[s[i]];
      v = v * 32 + (x & 31);
      if (x < 32) { d += Math.floor(v / 32) + 1; docs.push(d); masks.push(v & 31); v = 0; }
    }
    return [docs, masks];
  };

  // Data files: each calls archiveSearchData({k: key, ...}) once loaded.
  const waiting = {};
  window.archiveSearchData = (d) => { if (waiting[d.k]) waiting[d.k].ok(d); };
  const load = (k, src) => {
    if (!waiting[k]) {
      const w = (waiting[k] = {});
      w.p = new Promise((ok, no) => {
        w.ok = ok;
        const s = document.createElement("script");
        s.src = root + "search/" + src + ".js";
        s.onerror = () => { delete waiting[k]; no(new Error(src)); };
        document.head.append(s);
      });
    }
    return waiting[k].p;
  };
  const lower = (a, t) => { let lo = 0, hi = a.length; while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] < t) lo = m + 1; else hi = m; } return lo; };
  const lists = async (index, x) => {
    const c = index.c, out = [];
    let lo = 0, hi = c.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (c[m] <= x.t) lo = m + 1; else hi = m; }
    let k = Math.max(lo - 1, 0), more = 0;
    for (;;) {
      const chunk = await load("t" + k, "terms-" + k);
      for (let i = lower(chunk.t, x.t); i < chunk.t.length; i++) {
        const t = chunk.t[i];
        if (t === x.t) out.push([chunk.p[i], 2]);
        else if (x.p && t.startsWith(x.t) && more < 30) { out.push([chunk.p[i], 1]); more++; }
        else return out;
      }
      k++;
      if (!(x.p && more < 30) || k >= c.length || !c[k].startsWith(x.t)) return out;
    }
  };
  const search = async (text) => {
    const index = await load("index", "index"), n = index.d.length, q = query(text);
    const count = new Int32Array(n), score = new Int32Array(n), best = new Int32Array(n);
    for (const x of q) {
      best.fill(0);
      for (const [s, exact] of await lists(index, x)) {
        const [docs, masks] = decode(s), w = weight(n, docs.length) * exact;
        for (let i = 0; i < docs.length; i++) { const v = w * field(masks[i]); if (v > best[docs[i]]) best[docs[i]] = v; }
      }
      for (let d = 0; d < n; d++) if (best[d]) { count[d]++; score[d] += best[d]; }
    }
    const hits = [];
    for (let d = 0; d < n; d++) if (count[d]) hits.push(d);
    hits.sort((a, b) => count[b] - count[a] || score[b] - score[a] || a - b);
    return { index, q, hits };
  };
  window.archiveSearch = search;

  // The passage a result shows (passage.rs).
  const passage = (data, q) => {
    const paragraphs = data.x.map((s) => [s, []]);
    for (const cues of data.t) {
      let s = "";
      const starts = [];
      for (const [t, c] of cues) { if (s) s += " "; starts.push([s.length, t]); s += c; }
      paragraphs.push([s, starts]);
    }
    let best = null;
    for (const [s, starts] of paragraphs) {
      const ws = words(s), hit = [], got = new Set();
      ws.forEach(([a, b], i) => {
        let h = false;
        for (const t of fold(s.slice(a, b))) q.forEach((x, j) => { if (matches(x, t)) { got.add(j); h = true; } });
        if (h) hit.push(i);
      });
      if (!best || got.size > best.n) best = { n: got.size, s, starts, ws, hit };
    }
    if (!best) return null;
    const { s, starts, ws, hit } = best, first = hit.length ? hit[0] : 0;
    let time = null;
    if (hit.length) for (let i = starts.length - 1; i >= 0; i--) if (starts[i][0] <= ws[first][0]) { time = starts[i][1]; break; }
    if (!ws.length) return { text: s, marks: [], time };
    const from = Math.max(first - 8, 0), to = Math.min(from + 30, ws.length), a = from ? ws[from][0] : 0, lead = from ? "…" : "";
    return {
      text: lead + (to < ws.length ? s.slice(a, ws[to - 1][1]) + "…" : s.slice(a)),
      marks: hit.filter((i) => i >= from && i < to).map((i) => [ws[i][0] - a + lead.length, ws[i][1] - a + lead.length]),
      time,
    };
  };

  // The results.
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; };
  const clock = (t) => { t = Math.floor(t); const m = Math.floor(t / 60) % 60, s = String(t % 60).padStart(2, "0"), h = Math.floor(t / 3600); return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`; };
  const SHOWN = 20;
  let run = 0;
  const show = async () => {
    const text = input.value, mine = ++run;
    list.textContent = "";
    if (!text.trim()) { status.textContent = ""; return; }
    status.textContent = "Searching…";
    let found;
    try { found = await search(text); } catch (e) { status.textContent = "The search index could not be loaded."; return; }
    if (mine !== run) return;
    const { index, q, hits } = found, n = hits.length;
    status.textContent = n ? `${n} speech${n === 1 ? "" : "es"} found${n > SHOWN ? `, the first ${SHOWN} shown` : ""}` : "No speech matches.";
    await Promise.all(hits.slice(0, SHOWN).map(async (d) => {
      const [page, title, speakers, event, date] = index.d[d], item = el("li");
      list.append(item);
      let p = null;
      try { p = passage(await load("p/" + page, page), q); } catch (e) { /* the title still links */ }
      if (mine !== run) return;
      const link = el("a", title);
      link.href = root + page + ".html" + (p && p.time != null ? "#t=" + Math.round(p.time * 1000) / 1000 : "");
      link.dir = "auto";
      const head = el("p", "", "hit");
      head.append(link);
      if (p && p.time != null) head.append(el("span", ` at ${clock(p.time)}`));
      const meta = [...speakers.map((s) => index.s[s][0]), event >= 0 ? index.e[event][0] : "", date].filter(Boolean);
      item.append(head, el("p", meta.join(" · "), "meta"));
      if (p) {
        const body = el("p", "", "passage");
        body.dir = "auto";
        let at = 0;
        for (const [a, b] of p.marks) { body.append(p.text.slice(at, a), el("mark", p.text.slice(a, b))); at = b; }
        body.append(p.text.slice(at));
        item.append(body);
      }
    }));
  };
  let timer;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(show, 150); });
  input.addEventListener("focus", () => load("index", "index").catch(() => {}), { once: true });
  input.addEventListener("keydown", (e) => { if (e.key === "Escape") { input.value = ""; show(); } });
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); show(); });
  form.hidden = false;
})();
