"""The ``rot`` command line.

Each subcommand lives in its own module under ``rotlib/commands`` and exposes
``register(subparsers)``; this file only collects them (a registry, not an if-chain), so
adding a command never means editing another command's code.

Exit codes (documented in the README): 0 success, 1 the analysis or run failed,
2 bad input or usage (a file, a row, a parameter or a config), 3 strict mode found
quarantined rows.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from rotlib.errors import (
    ConfigError,
    InputError,
    ParameterError,
    RotError,
    StrictModeError,
)

#: Subcommand modules, in the order ``rot --help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "sample_data",
    "validate",
    "metrics",
    "score",
    "cohorts",
    "lift",
    "run",
    "contract_docs",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_STRICT = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rot",
        description="Return on Trust workbench: validate partner exports, compute metrics, "
        "score partners and publish reproducible reports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"rotlib.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"rotlib.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        # `rot ... | head` closed the pipe: not an error of ours; stay quiet like Unix tools.
        sys.stderr.close()
        return EXIT_OK
    except StrictModeError as exc:
        print(f"rot {args.command}: {exc}", file=sys.stderr)
        return EXIT_STRICT
    except (InputError, ConfigError, ParameterError) as exc:
        print(f"rot {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RotError as exc:
        print(f"rot {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
