#!/usr/bin/env python3
"""The information bound of the search index's postings for a bench archive
(scripts/bench/search.sh): a term that df of N speeches have is one of C(N, df) sets of
speeches, so no lossless code of which speeches have which terms can take fewer than
sum over terms of log2 C(N, df) bits (treating the speeches alike). Printed for the
transcripts alone, for every field (title, speaker, event, excerpt, transcript), and with
which of a term's df speeches have it in a field other than the transcript, f of them:
sum of log2 C(df, f) bits more (which of those fields is more again, not counted).

Words are folded as the search folds the bench's text (ASCII): runs of letters and digits,
lowercased.

Usage: bound.py ARCHIVE
"""

import math
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

WORD = re.compile(r"[^\W_]+")


def terms(text):
    return {w.lower() for w in WORD.findall(text)}


def bits(df, n):
    return sum((math.lgamma(n + 1) - math.lgamma(d + 1) - math.lgamma(n - d + 1)) / math.log(2)
               for d in df.values())


def main():
    root = Path(sys.argv[1])
    catalog = tomllib.loads((root / "feeds" / "bench.toml").read_text())
    speakers = tomllib.loads((root / "feeds" / "speakers.toml").read_text())
    names = {id: s["name"] for id, s in speakers.get("speakers", {}).items()}
    events = {e["id"]: e["title"] for e in catalog.get("event", [])}
    spoken, every, fielded = Counter(), Counter(), Counter()
    episodes = catalog["episode"]
    for episode in episodes:
        vtt = (root / episode["transcript"]).read_text()
        said = terms(" ".join(line for line in vtt.splitlines()[1:] if "-->" not in line))
        fields = " ".join([episode["title"], episode.get("excerpt", ""),
                           events.get(episode.get("event"), ""),
                           *(names.get(s, "") for s in episode.get("speakers", []))])
        spoken.update(said)
        every.update(said | terms(fields))
        fielded.update(terms(fields))
    n = len(episodes)
    for name, df in (("transcripts", spoken), ("all fields", every)):
        print(f"bound ({name}): {bits(df, n) / 8e6:.2f} MB, {sum(df.values()) / 1e6:.2f} M "
              f"postings of {len(df)} terms over {n} speeches")
    which = sum(math.log2(math.comb(every[t], f)) for t, f in fielded.items())
    print(f"bound (all fields, and which speeches have a term outside the transcript): "
          f"{(bits(every, n) + which) / 8e6:.2f} MB")


if __name__ == "__main__":
    main()
