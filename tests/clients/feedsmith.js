// Parses a feed with feedsmith (npm), which reads the Podcasting 2.0 namespace in depth, and
// prints what it saw, as JSON, for tests/integration/clients.rs. Usage: node feedsmith.js FEED.xml
const fs = require("fs");
const { parseRssFeed } = require("feedsmith");

const feed = parseRssFeed(fs.readFileSync(process.argv[2], "utf8"));
const podcast = (item) => item.podcast || {};
const out = {
  title: feed.title,
  guid: podcast(feed).guid || null,
  locked: podcast(feed).locked ? podcast(feed).locked.value : null,
  items: (feed.items || []).map((item) => ({
    title: item.title,
    itunes_title: item.itunes ? item.itunes.title : null,
    guid: item.guid ? item.guid.value : null,
    url: item.enclosures ? item.enclosures[0].url : null,
    length: item.enclosures ? item.enclosures[0].length : null,
    type: item.enclosures ? item.enclosures[0].type : null,
    enclosures: (item.enclosures || []).length,
    published: item.pubDate ? Date.parse(item.pubDate) / 1000 : null,
    duration: item.itunes ? item.itunes.duration : null,
    image: item.itunes ? item.itunes.image || null : null,
    description: item.description || null,
    content: item.content ? item.content.encoded : null,
    persons: (podcast(item).persons || []).map((p) => ({ name: p.display, role: p.role, group: p.group })),
    transcripts: (podcast(item).transcripts || []).map((t) => ({ url: t.url, type: t.type, rel: t.rel || null })),
    chapters: podcast(item).chapters ? podcast(item).chapters.url : null,
    season: podcast(item).season ? podcast(item).season.number : null,
    episode: podcast(item).episode ? podcast(item).episode.number : null,
    soundbites: (podcast(item).soundbites || []).map((s) => ({ start: s.startTime, duration: s.duration })),
    alternate_enclosures: (podcast(item).alternateEnclosures || []).length,
  })),
};
console.log(JSON.stringify(out, null, 1));
