"""Reading the project's documents as a user copies from them: their code blocks, their inline code, the
``sls`` command lines inside both, checked against the real ``sls`` parser without running anything.

The guards in ``test_docs_*.py``, ``test_readme.py``, ``test_contributing.py`` and ``test_cli_help.py`` use
this. Users paste a README line into a shell, so a command line is split as a shell would split it (``;``,
``&&``, ``|``, ``$(...)``, redirections); a placeholder such as ``<challenge>`` stands for one word.
Synopses (``sls user add|list USER``, ``[--keep]``) cannot be parsed, so for those only the commands and
the options they name are checked.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from sls_server.cli.main import cli

# `sls` imports a command's module when the command is asked for: what walks `cli.commands` needs them all.
cli.load_all()

ROOT = Path(__file__).parents[2]
#: The documents users copy from: the README (the front door), the contributor's guide, every guide under
#: docs/ (found, not listed: a guide added there is checked without anyone remembering to name it here), and
#: the scenario step reference.
DOCUMENTS = (
    "README.md",
    "CONTRIBUTING.md",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")),
    "sls_scenarios/REFERENCE.md",
)

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: A Markdown code span: a run of backticks closed by a run of the same length (``x`` and `x` alike).
_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_PLACEHOLDER = re.compile(r"<(?=\S)[^<>\n]*[^\s<>]>")
_OPERATORS = {";", "&&", "||", "|", "&", "(", ")", ";;"}
_REDIRECTIONS = {">", ">>", "<", "<<", "&>", ">&"}
_KEYWORDS = {"do", "then", "else", "{", "}", "!", "time", "exec"}
_OPTION = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def text(name: str) -> str:
    return (ROOT / name).read_text()


def section(name: str, heading: str) -> str:
    """The section of document ``name`` under the heading ``heading`` (its text without the ``#``s), up to the
    next heading of the same level or above; a ``# comment`` inside a fenced block is no heading. The README
    sends each reader to a guide: a test reads the words where they now are, by their heading."""
    lines = text(name).splitlines(keepends=True)
    fenced, start, level = False, -1, 0
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
            continue
        found = None if fenced else re.match(r"^(#+) (.+?)\s*$", line)
        if found and start < 0 and found[2] == heading:
            start, level = i, len(found[1])
        elif found and start >= 0 and len(found[1]) <= level:
            return "".join(lines[start:i])
    if start < 0:
        raise LookupError(f"{name} has no heading {heading!r}")
    return "".join(lines[start:])


def code_blocks(document: str, *languages: str) -> list[str]:
    """The fenced blocks of these languages (all of them when none is named)."""
    return [body for lang, body in _FENCE.findall(document) if not languages or lang in languages]


def prose(document: str) -> str:
    """The document without its fenced blocks (whose ``# comments`` are no headings)."""
    return _FENCE.sub("", document)


def inline_code(document: str) -> list[str]:
    """Every code span outside fenced blocks, its whitespace (line breaks included) made single spaces."""
    return [" ".join(match.group(2).split()) for match in _SPAN.finditer(prose(document))]


def _substitutions(line: str) -> tuple[str, list[str]]:
    """``$(...)`` replaced by one word, and the command lines that were inside (nested ones too)."""
    out, inner, i = [], [], 0
    while i < len(line):
        if line.startswith("$(", i):
            depth, j = 1, i + 2
            while j < len(line) and depth:
                depth += {"(": 1, ")": -1}.get(line[j], 0)
                j += 1
            body, nested = _substitutions(line[i + 2 : j - 1])
            inner += [body, *nested]
            out.append("SUBSTITUTED")
            i = j
        else:
            out.append(line[i])
            i += 1
    return "".join(out), inner


def shell_commands(line: str) -> list[list[str]]:
    """The simple commands of one shell line, as argument lists: assignments and keywords in front dropped."""
    line, inner = _substitutions(_PLACEHOLDER.sub("PLACEHOLDER", line))
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[list[str]] = [[]]
    skip = False
    for token in lexer:
        if skip:
            skip = False
        elif token in _OPERATORS:
            commands.append([])
        elif token in _REDIRECTIONS:
            skip = True  # the file it names is no argument
        else:
            commands[-1].append(token)
    for body in inner:
        commands += shell_commands(body)
    cleaned = []
    for words in commands:
        while words and (words[0] in _KEYWORDS or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])):
            words = words[1:]
        if words:
            cleaned.append(words)
    return cleaned


def sls_lines(block: str) -> list[list[str]]:
    """Every ``sls`` command of a shell block (continued lines joined), without the ``sls``."""
    found = []
    for line in block.replace("\\\n", " ").splitlines():
        found += [words[1:] for words in shell_commands(line) if words[0] == "sls"]
    return found


def _subcommand(group: click.Group, name: str) -> click.Command | None:
    return group.get_command(click.Context(group), name)


def parse(args: list[str]) -> tuple[click.Context | None, str | None]:
    """``sls ARGS`` parsed as the real command line would (options, types, arity, required ones): the
    command's context, or click's message. Nothing runs: the context is made, never invoked. An option that
    would prompt gets a value. ``--help``/``--version`` parse, with no context."""
    command: click.Command = cli
    path = ["sls"]
    args = list(args)
    while isinstance(command, click.Group):
        if not args:
            return None, f"{' '.join(path)} needs a command"
        if args[0].startswith("-"):
            args = [args[0]]  # sls --help, sls --version: the group's own option
            break
        found = _subcommand(command, args[0])
        if found is None:
            return None, f"{' '.join(path)} has no command {args[0]!r}"
        path.append(args.pop(0))
        command = found
    for param in command.params:
        if isinstance(param, click.Option) and param.prompt and not set(param.opts) & set(args):
            args += [param.opts[-1], "prompted"]
    try:
        return command.make_context(" ".join(path), args, parent=click.Context(cli, info_name="sls")), None
    except click.exceptions.Exit:  # --help, --version
        return None, None
    except click.ClickException as error:
        return None, f"{' '.join(path)}: {error.format_message()}"


def parse_problem(args: list[str]) -> str | None:
    """None when ``sls ARGS`` parses, else what a user would be told."""
    return parse(args)[1]


def _options(command: click.Command) -> set[str]:
    names = {"-h", "--help"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts, param.secondary_opts)
    return names


def synopsis_problems(words: list[str]) -> list[str]:
    """What a synopsis (``device enroll USER --type T [...] | list``, ``a|b ID``, ``ibkey-…``) names that
    ``sls`` lacks: a command, or an option none of the commands it may mean has."""
    words = [word.strip("[]") for word in words if word not in ("|", "...", "…")]
    command: click.Command = cli
    path = ["sls"]
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        names = words[0].split("|")
        meant: list[click.Command] = []
        for name in names:
            if name.endswith(("…", "...")):  # ibkey-…: one of the commands named so
                if not any(n.startswith(name.rstrip("….")) for n in command.commands):
                    return [f"{' '.join(path)} has no command starting {name!r}"]
                continue
            found = _subcommand(command, name)
            if found is None:
                return [f"{' '.join(path)} has no command {name!r}"]
            meant.append(found)
        # status|daily-reset HH:MM|latest-code --user U: latest-code is one more of the alternatives
        for later in words[1:]:
            meant += [c for n in later.split("|")[1:] if (c := _subcommand(command, n)) is not None]
        words = words[1:]
        if len(meant) != 1:
            allowed = set().union(*(_options(c) for c in meant)) if meant else set()
            return [
                f"none of {' '.join(path)} {'|'.join(names)} has {option}"
                for word in words
                for option in _OPTION.findall(word)
                if meant and option not in allowed
            ]
        command = meant[0]
        path.append(command.name or "")
    allowed = _options(command) | {"-V", "--version"}
    return [
        f"{' '.join(path)} has no option {o}"
        for word in words
        for o in _OPTION.findall(word)
        if o not in allowed
    ]


def help_texts() -> dict[str, str]:
    """Each command's help and each option's, by where it shows (``device enroll --pin``)."""
    texts = {"sls": cli.help or ""}

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in group.commands.items():
            where = f"{prefix} {name}".strip()
            texts[where] = command.help or ""
            for param in command.params:
                if isinstance(param, click.Option) and param.help:
                    texts[f"{where} {param.opts[-1]}"] = param.help
            if isinstance(command, click.Group):
                walk(command, where)

    walk(cli, "")
    return texts
