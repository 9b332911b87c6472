#!/usr/bin/env python3
"""The Python peers of the benchmark, each run as its own process by scripts/bench/run.py
(so that its time includes interpreter start and imports, as ours includes process start).

  peers.py mutagen LIST.json   print {path: duration} read by mutagen, one process for all files
  peers.py tinytag LIST.json   the same with tinytag
  peers.py feedgen ITEMS.json OUT.xml
                               build an RSS 2.0 podcast feed of the items with python-feedgen
                               (title, description, enclosure url/length/type, guid, pubDate,
                               itunes:duration) and write it to OUT.xml

LIST.json is a JSON array of paths; ITEMS.json is written by run.py from the feed that
`archive build` wrote, so both tools publish the same items.
"""

import json
import sys


def probe_mutagen(paths):
    import mutagen

    out = {}
    for path in paths:
        try:
            out[path] = mutagen.File(path).info.length
        except Exception as err:  # a peer's failure is reported, not fatal
            out[path] = f"error: {err}"
    return out


def probe_tinytag(paths):
    from tinytag import TinyTag

    out = {}
    for path in paths:
        try:
            out[path] = TinyTag.get(path).duration
        except Exception as err:
            out[path] = f"error: {err}"
    return out


def build_feedgen(items_path, out_path):
    import datetime

    from feedgen.feed import FeedGenerator

    with open(items_path, encoding="utf-8") as f:
        data = json.load(f)
    fg = FeedGenerator()
    fg.load_extension("podcast")
    channel = data["channel"]
    fg.title(channel["title"])
    fg.description(channel["description"])
    fg.link(href=channel["link"], rel="alternate")
    fg.language(channel["language"])
    fg.podcast.itunes_author(channel["author"])
    fg.podcast.itunes_explicit("no")
    for item in data["items"]:
        fe = fg.add_entry(order="append")
        fe.title(item["title"])
        fe.description(item["description"])
        fe.enclosure(item["url"], str(item["length"]), item["type"])
        fe.guid(item["guid"], permalink=False)
        fe.pubDate(datetime.datetime.fromisoformat(item["published"]))
        fe.podcast.itunes_duration(item["duration"])
    fg.rss_file(out_path, pretty=False)


def main():
    mode = sys.argv[1]
    if mode in ("mutagen", "tinytag"):
        with open(sys.argv[2]) as f:
            paths = json.load(f)
        result = (probe_mutagen if mode == "mutagen" else probe_tinytag)(paths)
        json.dump(result, sys.stdout)
    elif mode == "feedgen":
        build_feedgen(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
