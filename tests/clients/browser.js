// Loads a page (of `archive serve`, or a file:// URL) in headless Chromium, waits for every
// <audio> to load its metadata, optionally acts on it, and prints what it found, as JSON,
// for tests/integration/browser.rs.
// Usage: node browser.js URL SCREENSHOT.png [OPTIONS-JSON]
// OPTIONS: {"nojs": true} JavaScript off; {"search": "words"} type a query and wait for the
// results; {"seek": N} click the Nth transcript timestamp and wait for the player to get
// there; {"follow": true} with "search", open the first result and wait for its player to
// seek; {"axe": true} run axe-core and report its violations; {"type": "words"} type a query
// a key at a time, press Enter, and report the results and each term chunk the page asked
// for, with what the search status said at that moment.
const { chromium } = require("playwright-core");

(async () => {
  const [url, screenshot, json] = process.argv.slice(2);
  const options = json ? JSON.parse(json) : {};
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required"],
  });
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    javaScriptEnabled: !options.nojs,
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  const response = await page.goto(url, { waitUntil: "load" });
  const report = options.nojs ? await page.evaluate(describe) : await page.evaluate(loadPlayers).then(() => page.evaluate(describe));
  report.status = response ? response.status() : null;
  if (options.type !== undefined) {
    await page.evaluate(() => {
      const status = document.querySelector(".search [role=status]");
      window.chunkRequests = [];
      new MutationObserver((changes) => {
        for (const change of changes) for (const node of change.addedNodes) {
          if (node.src && /search\/terms-/.test(node.src)) window.chunkRequests.push({ src: node.getAttribute("src"), status: status.textContent });
        }
      }).observe(document.head, { childList: true });
    });
    // The focus loads the index; typing starts once it is in, and Enter after the last key
    // searches the whole query (a pause while typing may have searched part of it).
    await page.focus("#search-q");
    await page.waitForFunction(() => window.archiveSearch("").then(() => true));
    await page.keyboard.type(options.type, { delay: 40 });
    await page.press("#search-q", "Enter");
    await page.waitForFunction(() => /found|No speech|could not/.test(document.querySelector(".search [role=status]").textContent));
    report.typed = await page.evaluate(() => ({
      status: document.querySelector(".search [role=status]").textContent,
      first: document.querySelector(".results li .hit a") ? document.querySelector(".results li .hit a").getAttribute("href") : null,
      chunks: window.chunkRequests,
    }));
  }
  if (options.search !== undefined) {
    await page.fill("#search-q", options.search);
    await page.press("#search-q", "Enter");
    await page.waitForFunction(() => {
      const status = document.querySelector(".search [role=status]").textContent;
      const items = [...document.querySelectorAll(".results li")];
      // The results show at once; their passages follow, the list aria-busy until then.
      return /found|No speech|could not/.test(status) && items.every((li) => li.querySelector(".hit a"))
        && !document.querySelector(".results").hasAttribute("aria-busy");
    });
    report.search = await page.evaluate(() => ({
      status: document.querySelector(".search [role=status]").textContent,
      results: [...document.querySelectorAll(".results li")].map((li) => ({
        href: li.querySelector(".hit a").getAttribute("href"),
        title: li.querySelector(".hit a").textContent,
        passage: li.querySelector(".passage") ? li.querySelector(".passage").textContent : null,
        marks: [...li.querySelectorAll("mark")].map((m) => m.textContent),
        dir: li.querySelector(".passage") ? li.querySelector(".passage").dir : null,
      })),
    }));
    if (options.follow && report.search.results.length) {
      await page.click(".results li .hit a");
      await page.waitForLoadState("load");
      report.followed = await page.evaluate(settled);
    }
  }
  if (options.seek !== undefined) {
    const link = page.locator(".transcript a.seek").nth(options.seek);
    report.seek_target = await link.getAttribute("href");
    await link.click();
    report.seeked = await page.evaluate(settled);
  }
  if (options.axe) {
    await page.addScriptTag({ path: require.resolve("axe-core") });
    report.axe = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
    });
  }
  report.errors = errors;
  await page.screenshot({ path: screenshot, fullPage: true });
  await browser.close();
  console.log(JSON.stringify(report, null, 1));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Waits for every player to load its metadata (or fail, or 20 s to pass).
async function loadPlayers() {
  const loaded = (audio) => new Promise((resolve) => {
    if (audio.readyState >= 1) return resolve(null);
    audio.addEventListener("loadedmetadata", () => resolve(null), { once: true });
    audio.addEventListener("error", () => resolve(audio.error ? audio.error.code : -1), { once: true });
    audio.preload = "metadata";
    audio.load();
  });
  window.__playerErrors = [];
  window.__preloads = [...document.querySelectorAll("audio")].map((a) => a.getAttribute("preload"));
  for (const audio of document.querySelectorAll("audio")) {
    const error = await Promise.race([loaded(audio), new Promise((r) => setTimeout(() => r("timeout"), 20000))]);
    window.__playerErrors.push(error);
  }
}

// Waits until the page's player is at rest after a seek, and says where it is.
async function settled() {
  const player = document.getElementById("player");
  const start = Date.now();
  while (Date.now() - start < 20000 && (player.readyState < 1 || player.seeking || player.currentTime === 0)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return { time: player.currentTime, hash: location.hash, url: location.href };
}

// What the page shows.
function describe() {
  const audios = [...document.querySelectorAll("audio")];
  const articles = [...document.querySelectorAll("article")].map((article) => {
    const audio = article.querySelector("audio");
    return {
      id: article.id,
      title: article.querySelector("h3").textContent,
      excerpt: article.querySelector(".excerpt").innerText,
      src: audio.currentSrc || audio.src,
      preload: (window.__preloads || [])[audios.indexOf(audio)] ?? audio.getAttribute("preload"),
      duration: audio.duration,
      error: (window.__playerErrors || [])[audios.indexOf(audio)] ?? null,
    };
  });
  const meta = {};
  for (const m of document.querySelectorAll("meta[property], meta[name]")) meta[m.getAttribute("property") || m.getAttribute("name")] = m.content;
  const ld = document.querySelector("script[type='application/ld+json']");
  const visible = (selector) => [...document.querySelectorAll(selector)].filter((e) => e.offsetParent !== null).length;
  return {
    title: document.title,
    lang: document.documentElement.lang,
    h1: (document.querySelector("h1") || {}).textContent,
    articles,
    headings: [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map((h) => Number(h.tagName[1])),
    images_without_alt: [...document.querySelectorAll("img")].filter((i) => !i.getAttribute("alt")).length,
    inputs_without_label: [...document.querySelectorAll("input")].filter((i) => !i.labels || i.labels.length === 0).length,
    scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src") || s.type),
    overflow: document.documentElement.scrollWidth > window.innerWidth,
    subscribe: [...document.querySelectorAll(".subscribe a")].map((a) => a.href),
    meta,
    canonical: (document.querySelector("link[rel=canonical]") || {}).href || null,
    jsonld: ld ? JSON.parse(ld.textContent) : null,
    search_visible: visible("form.search"),
    transcript: [...document.querySelectorAll(".transcript p")].map((p) => p.innerText),
    visible_timestamps: visible(".transcript a.seek"),
    chapters: [...document.querySelectorAll(".chapters li")].map((li) => li.innerText),
    player: document.getElementById("player") ? { duration: document.getElementById("player").duration, src: document.getElementById("player").currentSrc } : null,
  };
}
