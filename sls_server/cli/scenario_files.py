"""Which scenario files a ``sls scenario`` command works on: the paths and names given, the library, those
with a tag, each loaded (``scenarios`` is imported inside, so ``sls --help`` stays quick). Their refusals
are the CLI's usage errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .output import EXIT_USAGE, CliError


def gather(targets: tuple[str, ...], everything: bool, *, note: bool = True) -> list[Path]:
    """The files named; a usage error when they are none (an empty folder, or only misnamed files), so a
    run or a validation of nothing can never look like a green one; a note naming the YAML files a folder
    held that are not scenarios by their name, whenever there are any (unless ``note`` is false)."""
    from sls_scenarios.files import nothing_found, resolve

    if not targets and not everything:
        raise CliError("name scenarios (files, folders or library names) or give --all", EXIT_USAGE)
    try:
        files = resolve(list(targets), everything=everything)
    except LookupError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if not files:
        raise CliError(nothing_found(list(targets)), EXIT_USAGE)
    if note:
        note_passed_over(targets)
    return files


def note_passed_over(targets: tuple[str, ...]) -> None:
    """The note naming the YAML files the folders of ``targets`` held that are not scenarios by their name,
    on stderr (stdout may carry --json); ``sls scenario run`` says it after its summary, where it is read."""
    from sls_scenarios.files import passed_over_note

    said = passed_over_note(list(targets))
    if said:
        click.secho(said, err=True, fg="yellow")


def tagged(files: list[Path], tags: tuple[str, ...]) -> list[Path]:
    """The files with one of ``tags``, and every file that does not load: its tags cannot be read, and a
    broken file is reported as an error case, as without ``--tag``, never filtered out of sight."""
    from sls_scenarios.loader import load
    from sls_scenarios.positions import ScenarioInvalid

    kept = []
    for file in files:
        try:
            scenario = load(file)
        except ScenarioInvalid:
            kept.append(file)
            continue
        if set(tags) & set(scenario.tags):
            kept.append(file)
    return kept


def no_such_tag(files: list[Path], tags: tuple[str, ...]) -> str:
    """No scenario has any of ``tags``: say which tags there are (a typo, or the wrong folder)."""
    import difflib

    from sls_scenarios.loader import load
    from sls_scenarios.positions import ScenarioInvalid

    known: set[str] = set()
    for file in files:
        try:
            known.update(load(file).tags)
        except ScenarioInvalid:
            continue
    close = [m for tag in tags for m in difflib.get_close_matches(tag, sorted(known), n=1, cutoff=0.6)]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    there = f"; the tags: {', '.join(sorted(known))}" if known else "; these scenarios have no tags"
    return f"no scenario has the tag {', '.join(tags)}{hint}{there}"


def load_all(files: list[Path]) -> list[Any]:
    from sls_scenarios.loader import load
    from sls_scenarios.positions import ScenarioInvalid

    try:
        return [load(file) for file in files]
    except ScenarioInvalid as exc:
        raise CliError(f"not a valid scenario:\n{exc}") from None


def load_one(name: str) -> Any:
    """The one scenario ``name`` names (a library name or a file); a folder of several is a usage error."""
    files = gather((name,), False)
    if len(files) > 1:
        shown = ", ".join(file.name for file in files[:3]) + (", ..." if len(files) > 3 else "")
        raise CliError(f"{name} holds {len(files)} scenarios ({shown}): name one of them", EXIT_USAGE)
    (found,) = load_all(files)
    return found
