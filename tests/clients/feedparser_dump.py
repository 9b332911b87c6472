"""Parses a feed with feedparser (the Universal Feed Parser) and prints what it saw, as JSON,
for tests/integration/clients.rs. Usage: python feedparser_dump.py FEED.xml"""
import calendar
import json
import sys

import feedparser

feed = feedparser.parse(sys.argv[1])
if feed.bozo:
    print("feedparser: " + repr(feed.bozo_exception), file=sys.stderr)
    sys.exit(1)

def duration(entry):
    text = entry.get("itunes_duration")
    return int(text) if text and text.isdigit() else text

print(json.dumps({
    "title": feed.feed.get("title"),
    "items": [
        {
            "title": entry.get("title"),
            "guid": entry.get("id"),
            "url": entry.enclosures[0]["href"] if entry.get("enclosures") else None,
            "length": int(entry.enclosures[0]["length"]) if entry.get("enclosures") else None,
            "type": entry.enclosures[0]["type"] if entry.get("enclosures") else None,
            "published": calendar.timegm(entry.published_parsed) if entry.get("published_parsed") else None,
            "duration": duration(entry),
            "description": entry.get("summary"),
            "content": entry.content[0]["value"] if entry.get("content") else None,
            "author": entry.get("author"),
        }
        for entry in feed.entries
    ],
}, ensure_ascii=False, indent=1))
