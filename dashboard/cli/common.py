"""What every command shares: exit codes, the ``--lang`` option and reading the input file.

Exit codes are a contract: 0 done/valid, 1 rejected/invalid, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from dashboard import config
from dashboard.i18n import LANGS, t

OK, REJECTED, USAGE = 0, 1, 2
Handler = Callable[[argparse.Namespace], int]


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang {en,zh}``: the language of the command's messages (default: the configured one).

    Nothing is stored when it is not given, so a sub-command's parser (``users add``)
    does not reset a ``--lang`` given before the sub-command's name; read it with :func:`lang_of`.
    """
    parser.add_argument("--lang", choices=sorted(LANGS), default=argparse.SUPPRESS)


def lang_of(args: argparse.Namespace) -> str:
    """The language asked for with ``--lang``, else the configured one."""
    return getattr(args, "lang", None) or config.default_lang()


def read_input(args: argparse.Namespace) -> bytes | None:
    """The bytes of ``args.file``, or None after telling the user why it cannot be read."""
    path = Path(args.file)
    if not path.is_file():
        print(t("cli.file_missing", lang_of(args), path=path), file=sys.stderr)
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        print(t("cli.file_unreadable", lang_of(args), path=path, reason=exc.strerror or exc), file=sys.stderr)
        return None
