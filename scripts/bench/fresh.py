"""Line 4's archives: fresh copies of a synced archive's inputs, and a one-episode edit.

A build "from scratch" must write into folders as a fresh clone has them. Deleting the
outputs of the last run and building again in the same folders measures ext4 instead: for
a while after tens of thousands of files are deleted, creating files scans the inode
bitmap past every recently deleted inode (`recently_deleted`), which made a 2 s build take
16 s. So each timed build gets its own copy, made before it (creating files, deleting
none), and the copies are deleted only after the line's last timed command.
"""

import os
import re
import shutil
from pathlib import Path

# Outputs a build writes; everything else of a synced archive is its input.
OUTPUT_SUFFIXES = (".xml", ".html", ".js")
OUTPUT_DIRS = ("speakers", "search")


def template(synced: Path, dest: Path):
    """Copies the inputs of the synced archive `synced` to `dest`: the catalog, the sync
    records and the recordings (hard links: no build writes them), without any output or
    the output manifest."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    feeds = {p.stem for p in (synced / "feeds").glob("*.toml")}
    for entry in synced.iterdir():
        target = dest / entry.name
        if entry.name in ("media", "recordings"):
            shutil.copytree(entry, target, copy_function=os.link, symlinks=True)
        elif entry.name == "feeds":
            target.mkdir()
            for path in entry.iterdir():
                output = (path.suffix in OUTPUT_SUFFIXES or path.name in OUTPUT_DIRS
                          or (path.is_dir() and path.name in feeds))
                if not output:
                    copy(path, target / path.name)
        elif entry.name == ".archive":
            target.mkdir()
            for path in entry.iterdir():
                if path.name not in ("outputs.json", "lock"):
                    copy(path, target / path.name)
        else:
            copy(entry, target)


def fresh_copy(template_dir: Path, dest: Path):
    """A copy of the template as a fresh clone has it: new files only (the recordings as
    hard links)."""
    dest.mkdir(parents=True)
    for entry in template_dir.iterdir():
        if entry.name in ("media", "recordings"):
            shutil.copytree(entry, dest / entry.name, copy_function=os.link, symlinks=True)
        else:
            copy(entry, dest / entry.name)
    os.sync()  # its writeback is the copy's cost, not the timed build's


def copy(src: Path, dest: Path):
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dest, symlinks=True)
    else:
        shutil.copy2(src, dest, follow_symlinks=False)


def edit_one_excerpt(catalog: Path, episode: str):
    """Changes the excerpt of `episode` in the feed file `catalog` (one word, toggled), as a
    maintainer fixing a typo does."""
    text = catalog.read_text()
    at = text.index(f'id = "{episode}"')
    match = re.compile(r'^excerpt = "', re.M).search(text, at)
    start = match.end()
    if text.startswith("Edited. ", start):
        text = text[:start] + text[start + len("Edited. "):]
    else:
        text = text[:start] + "Edited. " + text[start:]
    catalog.write_text(text)
