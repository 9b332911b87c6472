// The archive's one script: search across every speech, and timestamps that seek the player.
// It mirrors src/search step by step, so that `archive search` ranks the same way: change
// both together. No dependencies; the archive's files load with <script> (file:// too).
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
  const folded = (s) => s.toLowerCase().normalize("NFKD").replace(DROP, "").toLowerCase()
    .replace(VARIANT, (c) => TO[c] || String(c.charCodeAt(0) & 15));
  const fold = (w) => (folded(w).match(TERM) || []).filter((t) => [...t].length <= 40);
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
  // Posting lists (postings.rs): bits of atob(chunk.b), read from the most significant.
  const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  const riceK = (u, n) => { const r = Math.floor((u * 69) / (100 * Math.max(n, 1))); return r ? 31 - Math.clz32(r) : 0; };
  const reader = (b, at) => {
    const bit = () => (b.charCodeAt(at >> 3) >> (7 - (at++ & 7))) & 1;
    const bits = (k) => { let v = 0; while (k--) v = v * 2 + bit(); return v; };
    const gamma = () => { let w = 0; while (!bit()) w++; return 2 ** w + bits(w); };
    const list = (n, u) => {
      const k = riceK(u, n), out = [];
      for (let i = 0, next = 0; i < n; i++) { let q = 0; while (bit()) q++; next += q * 2 ** k + bits(k); out.push(next++); }
      return out;
    };
    const entry = (N) => {
      const n = gamma();
      let docs = list(2 * n > N ? N - n : n, N);
      if (2 * n > N) { const all = []; for (let d = 0, i = 0; d < N; d++) { if (docs[i] === d) i++; else all.push(d); } docs = all; }
      const masks = new Uint8Array(n).fill(16), places = list(gamma() - 1, n);
      for (const p of places) masks[p] = bit() ? 8 : bits(4);
      return [docs, masks];
    };
    return entry;
  };
  const open = (chunk) => {
    if (!chunk.terms) {
      const terms = [];
      if (chunk.t) for (const e of chunk.t.split(" ")) terms.push((terms[terms.length - 1] || "").slice(0, DIGITS.indexOf(e[0])) + e.slice(1));
      chunk.terms = terms;
      chunk.bytes = atob(chunk.b);
    }
    return chunk;
  };
  const postings = (chunk, i, N) => {
    const got = (chunk.got ||= []);
    if (!got[i]) { const entry = reader(chunk.bytes, chunk.s[i >> 6]); for (let j = i & ~63; j <= i; j++) { const e = entry(N); got[j] ||= e; } }
    return got[i];
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
    // The chunk whose first term is the last one at or before the term (none has a NUL).
    const c = index.c, N = index.d.length, out = [];
    let k = Math.max(lower(c, x.t + "\0") - 1, 0), more = 0;
    for (;;) {
      const chunk = open(await load("t" + k, "terms-" + k)), terms = chunk.terms;
      for (let i = lower(terms, x.t); i < terms.length; i++) {
        const t = terms[i];
        if (t === x.t) out.push([postings(chunk, i, N), 2]);
        else if (x.p && t.startsWith(x.t) && more < 30) { out.push([postings(chunk, i, N), 1]); more++; }
        else return out;
      }
      k++;
      if (!(x.p && more < 30) || k >= c.length || !c[k].startsWith(x.t)) return out;
    }
  };
  const search = async (text) => {
    const index = await load("index", "index"), n = index.d.length, q = query(text);
    const count = new Int32Array(n), score = new Int32Array(n), best = new Int32Array(n);
    const all = await Promise.all(q.map((x) => lists(index, x)));
    for (const found of all) {
      best.fill(0);
      for (const [[docs, masks], exact] of found) {
        const w = weight(n, docs.length) * exact;
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
    // A paragraph folded whole holds the terms of its words: the query terms in it bound how
    // many its words match, and the paragraphs that cannot beat the best so far are skipped.
    let best = null;
    for (const [s, starts] of paragraphs) {
      const f = folded(s), most = q.filter((x) => f.includes(x.t)).length;
      if (best && most <= best.n) continue;
      const ws = words(s), hit = [], got = new Set();
      if (most) ws.forEach(([a, b], i) => {
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
  const SHOWN = 20, FIRST = 5;
  let run = 0;
  // The results at once, then each one's passage as its speech's file comes (those of the
  // first few first); the list is aria-busy until all are in.
  const show = async () => {
    const text = input.value, mine = ++run;
    list.textContent = "";
    list.removeAttribute("aria-busy");
    if (!text.trim()) { status.textContent = ""; return; }
    status.textContent = "Searching…";
    let found;
    try { found = await search(text); } catch (e) { status.textContent = "The search index could not be loaded."; return; }
    if (mine !== run) return;
    const { index, q, hits } = found, n = hits.length;
    status.textContent = n ? `${n} speech${n === 1 ? "" : "es"} found${n > SHOWN ? `, the first ${SHOWN} shown` : ""}` : "No speech matches.";
    list.setAttribute("aria-busy", "true");
    const fills = hits.slice(0, SHOWN).map((d) => {
      const [page, title, speakers, event, date] = index.d[d], item = el("li"), link = el("a", title), head = el("p", "", "hit");
      const href = (link.href = root + page + ".html");
      link.dir = "auto";
      head.append(link);
      const meta = [...speakers.map((s) => index.s[s][0]), event >= 0 ? index.e[event][0] : "", date].filter(Boolean);
      item.append(head, el("p", meta.join(" · "), "meta"));
      list.append(item);
      // Without its passage (its file failed to load), the title still links.
      return () => load("p/" + page, page).then((data) => {
        const p = mine === run && passage(data, q);
        if (!p) return;
        if (p.time != null) { link.href = href + "#t=" + Math.round(p.time * 1000) / 1000; head.append(el("span", ` at ${clock(p.time)}`)); }
        const body = el("p", "", "passage");
        body.dir = "auto";
        let at = 0;
        for (const [a, b] of p.marks) { body.append(p.text.slice(at, a), el("mark", p.text.slice(a, b))); at = b; }
        body.append(p.text.slice(at));
        item.append(body);
      }, () => {});
    });
    // The first screenful's passages first: the files load one after another.
    await Promise.all(fills.slice(0, FIRST).map((f) => f()));
    if (mine !== run) return;
    await Promise.all(fills.slice(FIRST).map((f) => f()));
    if (mine === run) list.removeAttribute("aria-busy");
  };
  // The index loads when the box gets the focus; while one types, the chunks of the words
  // so far load and their lists decode, so the search finds them ready.
  const ahead = () => load("index", "index").then((index) => Promise.all(query(input.value).map((x) => lists(index, x)))).catch(() => {});
  let timer;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(show, 150); ahead(); });
  input.addEventListener("focus", ahead, { once: true });
  input.addEventListener("keydown", (e) => { if (e.key === "Escape") { input.value = ""; show(); } });
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); show(); });
  form.hidden = false;
})();
