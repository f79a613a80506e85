"""``rot contract-docs``: regenerate (or check) docs/data-contract.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from rotlib.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "contract-docs", help="write docs/data-contract.md from the contract and schemas",
        description="Generate the data-contract document from rotlib/contract.py, the "
        "pandera schemas and the reading rules, so the docs cannot drift from the checks. "
        "With --check, only compare and fail (exit code 2) when the file is stale.")
    parser.add_argument("--out", type=Path, default=Path("docs/data-contract.md"),
                        help="where to write the Markdown (default docs/data-contract.md)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 2 if --out differs from the generated text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rotlib.contract_docs import contract_markdown

    text = contract_markdown()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            raise InputError("is stale: it no longer matches the contract.", file=str(args.out),
                             fix=f"run `rot contract-docs --out {args.out}` and commit it.")
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
