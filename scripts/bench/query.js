// Times searches in headless Chromium on a built archive opened from file:// (see
// scripts/bench/search.sh). A query is submitted (Enter, so without the 150 ms the page
// waits while one types) and timed in the page, with performance.now(), to two moments:
// - results: the status says how many speeches match and the list holds the results shown
//   (title, speakers, event, date), in the DOM;
// - visible: the results on screen (1280 × 800) have their passages too;
// - passages: every result shown has its passage (the list is no longer aria-busy).
// Each query is timed four ways: cold (a fresh page: index.js, the chunks of the query's
// terms and the passages files all load first), focused (a fresh page whose search box got
// the focus, which loads index.js, before the query is pasted in and submitted at once),
// typed (a fresh page where the query is typed into the box, a key every 120 ms, and
// submitted right after the last key: the page loads the chunks of the words so far while
// one types) and warm (the median of 5 repeats on the page that has everything loaded). `rank_ms` is the ranking alone (`archiveSearch`),
// warm. Prints JSON, milliseconds.
// Usage: node query.js ARCHIVE QUERY...
const path = require("path");
const { chromium } = require(path.join(__dirname, "../../tests/clients/node_modules/playwright-core"));

// In the page: submits `q` and resolves with the times (ms) to the results, to the passages
// of the results on screen (in the layout once all are in), and to all passages.
const submit = (q) => new Promise((resolve) => {
  const form = document.querySelector("form.search"), input = form.querySelector("input");
  const list = form.querySelector("ol"), status = form.querySelector("[role=status]");
  let results = null;
  const filled = new Map();
  const check = () => {
    const now = performance.now() - start, done = /found|No speech/.test(status.textContent);
    if (done && results === null) results = now;
    for (const li of list.children) if (!filled.has(li) && li.querySelector(".passage")) filled.set(li, now);
    if (done && !list.hasAttribute("aria-busy")) {
      observer.disconnect();
      const onScreen = [...list.children].filter((li) => li.getBoundingClientRect().top < innerHeight);
      const visible = Math.max(results, ...onScreen.map((li) => filled.get(li) || now));
      resolve({ results, visible, passages: now, shown: list.children.length, on_screen: onScreen.length,
        with_passage: filled.size });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(form, { subtree: true, childList: true, attributes: true, characterData: true });
  input.value = q;
  const start = performance.now();
  form.requestSubmit();
});

const round = (x) => Math.round(x * 10) / 10;

(async () => {
  const [archive, ...queries] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
  });
  const url = "file://" + path.resolve(archive, "feeds/index.html");
  const fresh = async (focus) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(url);
    if (focus) {
      await page.focus("#search-q");
      await page.waitForFunction(() => window.archiveSearch("").then(() => true));
    }
    return { context, page };
  };
  const rows = [];
  for (const query of queries) {
    const cold = await fresh(false);
    const first = await cold.page.evaluate(submit, query);
    await cold.context.close();
    const focused = await fresh(true);
    const second = await focused.page.evaluate(submit, query);
    const typed = await fresh(true);
    await typed.page.keyboard.type(query, { delay: 120 });
    const third = await typed.page.evaluate(submit, query);
    await typed.context.close();
    const again = [];
    for (let i = 0; i < 5; i++) again.push(await focused.page.evaluate(submit, query));
    const median = (key) => again.map((r) => r[key]).sort((a, b) => a - b)[2];
    const rank = await focused.page.evaluate(async (q) => {
      const times = [];
      for (let i = 0; i < 5; i++) { const t = performance.now(); await window.archiveSearch(q); times.push(performance.now() - t); }
      return times.sort((a, b) => a - b)[2];
    }, query);
    await focused.context.close();
    rows.push({
      query, shown: first.shown, on_screen: first.on_screen, with_passage: first.with_passage,
      cold: [round(first.results), round(first.visible), round(first.passages)],
      focused: [round(second.results), round(second.visible), round(second.passages)],
      typed: [round(third.results), round(third.visible), round(third.passages)],
      warm: [round(median("results")), round(median("visible")), round(median("passages"))],
      rank_ms: round(rank),
    });
  }
  await browser.close();
  console.log("times in ms: [results shown, passages on screen filled, all passages filled]");
  for (const row of rows) console.log(JSON.stringify(row));
})().catch((err) => { console.error(err); process.exit(1); });
