"""Parses a feed with gPodder's podcastparser and prints what it saw, as JSON, for
tests/integration/clients.rs. Usage: python podcastparser_dump.py FEED.xml"""
import json
import sys

import podcastparser

with open(sys.argv[1], "rb") as stream:
    feed = podcastparser.parse("file://" + sys.argv[1], stream)

print(json.dumps({
    "title": feed.get("title"),
    "locked": feed.get("import_prohibited"),
    "items": [
        {
            "title": episode.get("title"),
            "guid": episode.get("guid"),
            "url": episode["enclosures"][0]["url"] if episode.get("enclosures") else None,
            "length": episode["enclosures"][0]["file_size"] if episode.get("enclosures") else None,
            "type": episode["enclosures"][0]["mime_type"] if episode.get("enclosures") else None,
            "published": episode.get("published"),
            "duration": episode.get("total_time"),
            "content": episode.get("description_html"),
            "persons": episode.get("persons", []),
            "transcript": episode.get("transcript_url"),
            "chapters": episode.get("chapters_json_url"),
        }
        for episode in feed.get("episodes", [])
    ],
}, ensure_ascii=False, indent=1))
