"""What the CLI asks and reads the same way everywhere: prompts (``ask``, ``confirm``: with no input, a
usage error naming the option instead), output files (``OutputFile``) and seconds (``Seconds``), each checked
as it is read, so a mistake is a usage error (exit 2) before any work is done. What it prints is
``output``'s.
"""

from __future__ import annotations

import contextlib
import getpass
import math
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from .output import EXIT_USAGE, CliError


class Number(click.FloatRange):
    """A number within a range (``sls bench --fail-below``). click's FloatRange lets ``nan`` through (every
    comparison with it is false): a floor nothing is ever below, a wait that never ends."""

    what = "a number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not {self.what}.", param, ctx)
        return number


class Seconds(Number):
    """A number of seconds within a range (``--timeout``, ``--interval``, ``--duration``): ``nan`` would be a
    wait that never ends, or time.sleep's ValueError with a traceback."""

    what = "a number of seconds"


class OutputFile(click.Path):
    """A file a command writes (``-o``, ``--junit``, ``--qr-svg``, ``--pidfile``), checked as the options are
    read: its folder must exist and be writable. So no command does its work first (enrols a device, runs
    every scenario, fetches a recording) and then dies writing the result with a traceback; the mistake is a
    usage error, exit 2, like a path that names a folder."""

    def __init__(self, *, make_folder: bool = False) -> None:
        super().__init__(dir_okay=False, path_type=Path)
        #: The folder may be missing, made when the file is written (``--junit reports/junit.xml``, as
        #: pytest's ``--junitxml`` makes it: CI templates count on it); what is checked now is the nearest
        #: folder that exists.
        self.make_folder = make_folder

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        folder = path.parent
        while self.make_folder and not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            self.fail(
                f"{str(folder)!r} is not a folder that exists, so {str(path)!r} cannot be written.",
                param,
                ctx,
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            self.fail(f"the folder {str(folder)!r} is not writable.", param, ctx)
        return path


def ask(
    question: str, *, instead: str, hide_input: bool = False, twice: bool = False, default: str | None = None
) -> str:
    """A value typed at a prompt on stderr (hidden: a password). When input ends before one is typed (stdin
    closed or empty, as in a CI job), a usage error saying how to give it ``instead``, exit 2."""
    with _answered(instead, end_line=not hide_input), warnings.catch_warnings():
        # a password piped in is not echoed either; Python's warning would only add its own source line
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        return str(
            click.prompt(
                question,
                default=default,
                show_default=False,
                hide_input=hide_input,
                confirmation_prompt=twice,
                err=True,
            )
        )


def confirm(question: str) -> None:
    """Ask before what cannot be undone (commands with ``--yes``); no is "Aborted!", exit 1. When input ends
    before any answer, a usage error naming --yes, exit 2."""
    with _answered("pass --yes to go ahead"):
        agreed = click.confirm(question, err=True)
    if not agreed:
        raise click.Abort


@contextlib.contextmanager
def _answered(instead: str, *, end_line: bool = True) -> Iterator[None]:
    """click's prompts turn both Ctrl-C and the end of input into Abort ("Aborted!", exit 1); the end of input
    means nobody is there to answer: say what to pass instead."""
    try:
        yield
    except click.Abort as exc:
        if not isinstance(exc.__context__, EOFError):  # Ctrl-C: click's own "Aborted!"
            raise
        if end_line:  # the prompt's (getpass ends its own)
            click.echo(err=True)
        raise CliError(f"no answer (the input ended): {instead}", EXIT_USAGE) from None
