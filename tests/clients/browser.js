// Loads a page of `archive serve` in headless Chromium, waits for every <audio> to load its
// metadata, and prints what it found, as JSON, for tests/integration/browser.rs.
// Usage: node browser.js URL SCREENSHOT.png
const { chromium } = require("playwright-core");

(async () => {
  const [url, screenshot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required"],
  });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const response = await page.goto(url, { waitUntil: "load" });
  const report = await page.evaluate(async () => {
    const loaded = (audio) => new Promise((resolve) => {
      if (audio.readyState >= 1) return resolve(null);
      audio.addEventListener("loadedmetadata", () => resolve(null), { once: true });
      audio.addEventListener("error", () => resolve(audio.error ? audio.error.code : -1), { once: true });
      audio.preload = "metadata";
      audio.load();
    });
    const articles = [];
    for (const article of document.querySelectorAll("article")) {
      const audio = article.querySelector("audio");
      const preload = audio.getAttribute("preload");
      const error = await Promise.race([loaded(audio), new Promise((r) => setTimeout(() => r("timeout"), 20000))]);
      articles.push({
        id: article.id,
        title: article.querySelector("h3").textContent,
        excerpt: article.querySelector(".excerpt").innerText,
        src: audio.currentSrc || audio.src,
        preload,
        duration: audio.duration,
        error,
      });
    }
    const headings = Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6")).map((h) => Number(h.tagName[1]));
    return {
      title: document.title,
      lang: document.documentElement.lang,
      articles,
      headings,
      images_without_alt: Array.from(document.querySelectorAll("img")).filter((i) => !i.getAttribute("alt")).length,
      inputs_without_label: Array.from(document.querySelectorAll("input")).filter((i) => !i.labels || i.labels.length === 0).length,
      scripts: document.querySelectorAll("script").length,
      overflow: document.documentElement.scrollWidth > window.innerWidth,
      subscribe: Array.from(document.querySelectorAll(".subscribe a")).map((a) => a.href),
    };
  });
  report.status = response.status();
  await page.screenshot({ path: screenshot, fullPage: true });
  await browser.close();
  console.log(JSON.stringify(report, null, 1));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
