"""Helpers shared by tests/test_docs.py and tests/test_typing.py: the documentation pages, their
```python blocks, and the public modules of ccfast."""
import pathlib
import pkgutil
import re

import ccfast

ROOT = pathlib.Path(__file__).resolve().parent.parent
NORUN = "<!-- norun -->"


def pages():
    docs = sorted((ROOT / "docs").glob("*.md"))
    return [ROOT / "README.md", *docs]


class Block:
    def __init__(self, page, line, code, run):
        self.page, self.line, self.code, self.run = page, line, code, run

    def where(self):
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def python_blocks(page):
    """The ```python blocks of a page, in order, each with the line its code starts on and
    whether it runs (not preceded by the `<!-- norun -->` line)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        fence = re.match(r"^(\s*)(```+|~~~+)\s*(\S*)", lines[i])
        if not fence:
            i += 1
            continue
        indent, marker, lang = fence.groups()
        start = i + 1
        j = start
        while j < len(lines) and not lines[j].strip().startswith(marker):
            j += 1
        if lang == "python":
            prev = i - 1
            while prev >= 0 and not lines[prev].strip():
                prev -= 1
            run = not (prev >= 0 and lines[prev].strip() == NORUN)
            code = "\n".join(line[len(indent):] if line.startswith(indent) else line
                             for line in lines[start:j])
            blocks.append(Block(page, start + 1, code + "\n", run))
        i = j + 1
    return blocks


def public_modules():
    """ccfast and every module under it whose dotted name has no part starting with "_"."""
    names = ["ccfast"]
    for info in pkgutil.walk_packages(ccfast.__path__, "ccfast."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)
