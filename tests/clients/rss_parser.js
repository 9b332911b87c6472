// Parses a feed with rss-parser (npm) and prints what it saw, as JSON, for
// tests/integration/clients.rs. Usage: node rss_parser.js FEED.xml
const fs = require("fs");
const Parser = require("rss-parser");

const parser = new Parser({
  customFields: {
    item: [
      ["podcast:person", "persons", { keepArray: true }],
      ["podcast:transcript", "transcripts", { keepArray: true }],
      ["podcast:chapters", "chapters"],
    ],
  },
});
const attrs = (node) => (node && node.$) || {};
parser
  .parseString(fs.readFileSync(process.argv[2], "utf8"))
  .then((feed) => {
    const out = {
      title: feed.title,
      items: feed.items.map((item) => ({
        title: item.title,
        guid: item.guid,
        url: item.enclosure ? item.enclosure.url : null,
        length: item.enclosure ? Number(item.enclosure.length) : null,
        type: item.enclosure ? item.enclosure.type : null,
        published: item.isoDate ? Date.parse(item.isoDate) / 1000 : null,
        duration: item.itunes && /^\d+$/.test(item.itunes.duration) ? Number(item.itunes.duration) : null,
        description: item.content || null,
        content: item["content:encoded"] || null,
        persons: (item.persons || []).map((p) => ({ name: p._, role: attrs(p).role, group: attrs(p).group })),
        transcripts: (item.transcripts || []).map((t) => ({ url: attrs(t).url, type: attrs(t).type, rel: attrs(t).rel || null })),
        chapters: item.chapters ? attrs(item.chapters).url : null,
      })),
    };
    console.log(JSON.stringify(out, null, 1));
  })
  .catch((err) => {
    console.error("rss-parser: " + err);
    process.exit(1);
  });
