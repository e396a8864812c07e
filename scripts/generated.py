"""The command line every data build script shares: write the generated file, or ``--check`` it."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path


def write_or_check(output: Path, render: Callable[[], str], description: str,
                   argv: list[str] | None = None) -> int:
    """Write ``render()`` to ``output``; with ``--check``, exit 1 when the committed file differs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if output.read_text(encoding="utf-8") != text:
            print(f"{output} differs from what the build gives", file=sys.stderr)
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


def json_text(data: object) -> str:
    """The committed form of a generated JSON table: sorted keys, one value a line, UTF-8 as is."""
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
