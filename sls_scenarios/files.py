"""Which files are scenarios: the library shipped in the package, the paths and names a command is given
(a folder means its ``*.scenario.yaml`` and ``*.scenario.yml``, a name a library scenario), and a new file
from the template.

Apart from reading a file (``loader``), because finding one is about names and folders only: the CLI and
the tests find files before any is loaded.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SUFFIX = ".scenario.yaml"
#: Every name a scenario file may end with: ``.yml`` is YAML's other usual extension, and a file given by
#: path was run whatever its name, so a folder of ``*.scenario.yml`` files skipped them without a word (the
#: CLI and the pytest plugin alike). New files and the library use :data:`SUFFIX`.
SUFFIXES = (SUFFIX, ".scenario.yml")
#: What a scenario's ``name`` may be: the schema's pattern, for a new file's NAME and an invalid file's name.
NAME = r"[a-z0-9][a-z0-9-]{1,63}"


def is_scenario(path: Path) -> bool:
    """Whether a file found in a folder is a scenario (by its name: :data:`SUFFIXES`)."""
    return path.name.endswith(SUFFIXES)


def new_file(name: str, folder: Path, *, force: bool = False) -> Path:
    """Write the commented template as ``folder/name.scenario.yaml``; ``ValueError``/``FileExistsError``."""
    import re

    if not re.fullmatch(NAME, name):
        raise ValueError("NAME is lower-case letters, digits and dashes (kebab-case), 2-64 long")
    target = folder / f"{name}{SUFFIX}"
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists (--force overwrites it)")
    template = template_text()
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(template.replace("__NAME__", name), encoding="utf-8")
    return target


def template_text() -> str:
    """The commented template ``sls scenario new`` writes (``__NAME__`` for its name)."""
    return (resources.files("sls_scenarios") / "template.scenario.yaml").read_text(encoding="utf-8")


def library_dir() -> Path:
    """The scenarios shipped in the package (``sls_scenarios/library``)."""
    return Path(str(resources.files("sls_scenarios") / "library"))


def library_files() -> list[Path]:
    return sorted(library_dir().glob(f"*{SUFFIX}"))


def passed_over(targets: list[str]) -> list[str]:
    """The YAML files in the folders of ``targets`` that are not scenarios by their name (``sms.yaml``): a
    folder's run or validation skipped them without a word, and a green run over fewer files than meant
    looked like one over all of them."""
    folders = [Path(t) for t in targets if Path(t).is_dir()]
    return sorted(
        str(file)
        for folder in folders
        for pattern in ("*.yml", "*.yaml")
        for file in folder.rglob(pattern)
        if not is_scenario(file)
    )


def _shown(files: list[str]) -> str:
    return ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")


def passed_over_note(targets: list[str]) -> str | None:
    """The note a command prints (to stderr) when folders held YAML files it does not take: not an error, a
    folder may keep other YAML (CI, fixtures) beside its scenarios."""
    files = passed_over(targets)
    if not files:
        return None
    return (
        f"note: passed over {_shown(files)}: only files named *{SUFFIX} (or *{SUFFIXES[1]}) are scenarios "
        f"(rename it NAME{SUFFIX} to take it)"
    )


def nothing_found(targets: list[str]) -> str:
    """Why ``targets`` named no scenario, and which YAML files there were passed over for their name."""
    where = ", ".join(targets) or "nothing named"
    message = f"no scenario found in {where}: only files named *{SUFFIX} (or *{SUFFIXES[1]}) are collected"
    files = passed_over(targets)
    if files:
        message += f"; passed over {_shown(files)} (name a scenario NAME{SUFFIX})"
    return message


def resolve(targets: list[str], *, everything: bool = False) -> list[Path]:
    """Files for ``targets``: paths (a folder means its scenario files, :data:`SUFFIXES`), else library
    names.

    A name matches a library file's stem or its ``name``; an unknown one raises ``LookupError`` with the
    closest names, so a typo is told, not silently skipped.
    """
    files: list[Path] = list(library_files()) if everything else []
    names = {p.name[: -len(SUFFIX)]: p for p in library_files()}
    for target in targets:
        candidate = Path(target)
        if candidate.is_dir():
            files.extend(sorted(f for f in candidate.rglob("*.scenario.y*ml") if is_scenario(f)))
        elif candidate.is_file():
            files.append(candidate)
        elif target in names and (here := _completed(target)):
            raise LookupError(
                f"{target!r} is a library scenario and a file here, {here}: give the path of the one to run "
                f"(./{here}, or the library's: {names[target]})"
            )
        elif target in names:
            files.append(names[target])
        elif "/" in target or target.endswith((".yaml", ".yml")):
            # a path that is not there (a folder typed in the wrong directory): no library name is meant
            nearly = _completed(target)
            hint = f"; did you mean {nearly}?" if nearly else ""
            raise LookupError(f"no file or folder {target!r} (a path is read from {Path.cwd()}){hint}")
        elif here := _completed(target):
            raise LookupError(
                f"no library scenario is named {target!r}; a file here is {here}: give its path "
                f"(a name alone is looked up in the library)"
            )
        else:
            import difflib

            close = difflib.get_close_matches(target, list(names), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `sls scenario list` shows them"
            raise LookupError(f"no file and no library scenario named {target!r}{hint}")
    unique: list[Path] = []
    for file in files:
        if file.resolve() not in {u.resolve() for u in unique}:
            unique.append(file)
    return unique


def _completed(target: str) -> str | None:
    """The scenario file ``target`` names with its suffix left off or cut short (``brute-lockout``,
    ``./brute-lockout.scenario``), if there is one: a name alone is a library scenario's, and the file
    ``sls scenario new NAME`` had just written here went unmentioned."""
    for ending in (*SUFFIXES, ".yaml", ".yml"):
        for cut in range(len(ending), -1, -1):  # the part of the suffix already typed, longest first
            if target.endswith(ending[:cut]) and Path(target + ending[cut:]).is_file():
                return target + ending[cut:]
    return None
