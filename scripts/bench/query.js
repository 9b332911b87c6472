// Times searches in headless Chromium on a built archive opened from file:// (see
// scripts/bench/search.sh). For each query: the first search (which loads the index and the
// chunks of its terms), then the median of 5 more (loaded), both the ranking alone
// (`archiveSearch`) and the whole answer in the page (results and passages shown).
// Usage: node query.js ARCHIVE QUERY...
const path = require("path");
const { chromium } = require(path.join(__dirname, "../../tests/clients/node_modules/playwright-core"));

(async () => {
  const [archive, ...queries] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
  });
  const page = await browser.newPage();
  await page.goto("file://" + path.resolve(archive, "feeds/index.html"));
  const rows = [];
  for (const query of queries) {
    const timing = await page.evaluate(async (q) => {
      const time = async () => { const t = performance.now(); const r = await window.archiveSearch(q); return [performance.now() - t, r.hits.length]; };
      const [first, hits] = await time();
      const again = [];
      for (let i = 0; i < 5; i++) again.push((await time())[0]);
      again.sort((a, b) => a - b);
      return { first, warm: again[2], hits };
    }, query);
    const shown = [];
    for (let i = 0; i < 3; i++) {
      await page.fill("#search-q", "");
      const t = Date.now();
      await page.fill("#search-q", query);
      await page.press("#search-q", "Enter");
      await page.waitForFunction(() => /found|No speech/.test(document.querySelector(".search [role=status]").textContent)
        && [...document.querySelectorAll(".results li")].every((li) => li.querySelector(".hit a")));
      shown.push(Date.now() - t);
    }
    shown.sort((a, b) => a - b);
    rows.push({ query, ...timing, page_ms: shown[1] });
  }
  await browser.close();
  console.log(JSON.stringify(rows, null, 1));
})().catch((err) => { console.error(err); process.exit(1); });
