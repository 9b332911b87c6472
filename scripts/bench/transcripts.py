#!/usr/bin/env python3
"""Gives every episode of a generated bench archive a synthetic WebVTT transcript, for
measuring the search index (scripts/bench/search.sh).

The words follow Zipf's law (exponent 1.1) over 200,000 made-up words of two to four
syllables, as word frequencies in real speech do: a few words are in every transcript, most
are rare, and the vocabulary keeps growing with the text. Each transcript is 5 to 25 minutes
of speech at 130 words a minute (650 to 3,250 words), in cues of 12 words 5 seconds apart.
Deterministic (fixed seed).

Usage: transcripts.py ARCHIVE
"""

import itertools
import random
import re
import sys
from pathlib import Path

SEED = 20201110
VOCABULARY = 200_000
EXPONENT = 1.1
SYLLABLES = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"] + ["an", "el", "is", "or", "um"]


def vocabulary(rng):
    words, seen = [], set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def stamp(seconds):
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"


def transcript(rng, words, cumulative):
    count = rng.randint(650, 3250)
    picks = rng.choices(words, cum_weights=cumulative, k=count)
    lines = ["WEBVTT", ""]
    for n in range(0, count, 12):
        start = n // 12 * 5
        text = " ".join(picks[n:n + 12])
        lines += [f"{stamp(start)} --> {stamp(start + 5)}", text.capitalize() + ".", ""]
    return "\n".join(lines)


def main():
    root = Path(sys.argv[1])
    rng = random.Random(SEED)
    words = vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / r ** EXPONENT for r in range(1, VOCABULARY + 1)))
    catalog = root / "feeds" / "bench.toml"
    text = catalog.read_text()
    (root / "transcripts").mkdir(exist_ok=True)

    def add(match):
        episode = match.group(1)
        path = f"transcripts/{episode}.vtt"
        (root / path).write_text(transcript(rng, words, cumulative))
        return f'{match.group(0)}transcript = "{path}"\n'

    catalog.write_text(re.sub(r'id = "(ep-\d+)"\n', add, text))


if __name__ == "__main__":
    main()
