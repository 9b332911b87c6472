// Parses a feed with Podcast Index's parser (podcast-partytime) and prints what it saw, as
// JSON, for tests/integration/clients.rs. Usage: node partytime.js FEED.xml
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");

const feed = parseFeed(fs.readFileSync(process.argv[2], "utf8"), { allowMissingGuid: false });
if (!feed) {
  console.error("partytime could not parse the feed");
  process.exit(1);
}
const persons = (list) =>
  (list || []).map((p) => ({ name: p.name, role: p.role, group: p.group, img: p.img || null, href: p.href || null }));
const out = {
  title: feed.title,
  guid: feed.guid || null,
  locked: feed.locked,
  persons: persons(feed.podcastPeople),
  items: feed.items.map((item) => ({
    title: item.title,
    guid: item.guid,
    url: item.enclosure.url,
    length: item.enclosure.length,
    type: item.enclosure.type,
    published: item.pubDate ? item.pubDate.getTime() / 1000 : null,
    duration: item.duration,
    description: item.description || null,
    persons: persons(item.podcastPeople),
    transcripts: (item.podcastTranscripts || []).map((t) => ({ url: t.url, type: t.type, rel: t.rel || null })),
    chapters: item.podcastChapters ? item.podcastChapters.url : null,
    season: item.podcastSeason ? item.podcastSeason.number : null,
    episode: item.podcastEpisode ? item.podcastEpisode.number : null,
    soundbites: (item.podcastSoundbites || []).map((s) => ({ start: s.startTime, duration: s.duration })),
  })),
};
console.log(JSON.stringify(out, null, 1));
