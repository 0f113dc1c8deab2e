"""A file that is no YAML document, told at the line and column to fix: a byte that is not UTF-8, a
character YAML does not allow, or YAML that does not parse.

PyYAML notices a mistake where it can no longer go on, often a line later than the mistake: an unclosed
``{`` or ``[`` (or quote) is found out only at the next line's ``:``, or at the end of the file; a line
missing its ``:`` runs on as text into the next line's ``:``. Where PyYAML kept the place it started from
(its ``context_mark``: the ``{`` opened, the quote, the key) or where the text that ran on began, the
problem is told there, with the place PyYAML stopped at in its words; otherwise at PyYAML's own place.
"""

from __future__ import annotations

import yaml

from .positions import Problem

#: PyYAML's contexts whose mark is where something was opened that the problem found never closed.
_OPENED = {
    "while parsing a flow mapping": "the `{`",
    "while parsing a flow sequence": "the `[`",
    "while scanning a quoted scalar": "the quote",
}


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader, keeping the last plain (unquoted) text it scanned: the one a ``:`` on a
    later line ran into."""

    last_plain: yaml.ScalarToken | None = None

    def scan_plain(self) -> yaml.ScalarToken:
        token = super().scan_plain()
        self.last_plain = token
        return token


def undecodable(raw: bytes, exc: UnicodeDecodeError, filename: str) -> Problem:
    """A byte that is not UTF-8 (a Latin-1 ``é``, say), at its line and column (counted in characters)."""
    start = raw.rfind(b"\n", 0, exc.start) + 1
    line = raw.count(b"\n", 0, exc.start) + 1
    column = len(raw[start : exc.start].decode("utf-8")) + 1
    said = (
        f"not UTF-8: byte 0x{raw[exc.start]:02x} here cannot be read ({exc.reason}); save the file as UTF-8"
    )
    return Problem(filename, line, column, "", said)


def unacceptable(text: str, exc: yaml.reader.ReaderError, filename: str) -> Problem:
    """A character YAML does not allow (a control character), at its line and column."""
    position = int(exc.position)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    said = f"not valid YAML: unacceptable character #x{int(exc.character):04x}: {exc.reason}"
    return Problem(filename, line, column, "", said)


def not_yaml(text: str, exc: yaml.MarkedYAMLError, loader: Loader, filename: str) -> Problem:
    """YAML that does not parse, told where the mistake most likely is (see the module's words)."""
    lines = text.splitlines()
    problem, context, said = exc.problem_mark, exc.context_mark, str(exc.problem)
    if problem is None:
        return _at(filename, context, said)
    hint = _quote_hint(lines, problem)
    stopped = f"line {problem.line + 1}, column {problem.column + 1}: {said}"
    if "'\\t'" in said:  # PyYAML's words say nothing of why a tab cannot be there
        return _at(filename, problem, "a tab: YAML indents with spaces only; replace it with spaces")
    if said.startswith("expected <block end>") and context is not None:
        return _misindented(filename, lines, exc, problem, context, stopped)
    if context is not None and context.line < problem.line and exc.context in _OPENED:
        opened = _OPENED[str(exc.context)]
        if opened != "the quote" and _indent(lines, problem.line) > _indent(lines, context.line):
            # a `{` or `[` written over several lines on purpose: the mistake is inside, where it stopped
            return _at(filename, problem, f"{said} (inside {opened} opened at line {context.line + 1}){hint}")
        return _at(filename, context, f"{opened} opened here is never closed (at {stopped}){hint}")
    if context is not None and context.line < problem.line and exc.context == "while scanning a simple key":
        return _at(filename, context, f"this key has no `:` after it (at {stopped})")
    plain = loader.last_plain
    if plain is not None and plain.start_mark.line < problem.line and _ends_at(text, plain, problem):
        if lines[plain.start_mark.line][: plain.start_mark.column].rstrip().endswith(":"):
            # the text was a key's value, so the line it ran into is indented too deep, not missing a `:`
            key = plain.start_mark.line + 1
            return Problem(
                filename,
                problem.line + 1,
                _indent(lines, problem.line) + 1,
                "",
                f"not valid YAML: this line is indented deeper than the key on line {key}, so it reads as "
                f"more of that key's value (at {stopped}): indent it as far as that key",
            )
        said = f"this text runs on into line {problem.line + 1} (at {stopped})"
        return _at(filename, plain.start_mark, f"{said}: is a `:` missing here, or does it need quotes?")
    return _at(filename, problem, f"{said}{hint}")


def _misindented(
    filename: str,
    lines: list[str],
    exc: yaml.MarkedYAMLError,
    problem: yaml.Mark,
    context: yaml.Mark,
    stopped: str,
) -> Problem:
    """A line indented as no list or mapping open above it is (PyYAML: ``expected <block end>, but found
    ...``): a step's ``expect:`` written at its ``-``, or a key one space off its neighbours."""
    if exc.context == "while parsing a block collection" and problem.column == context.column:
        return _at(
            filename,
            problem,
            f"this line is at the column of the list's `-` (line {context.line + 1}), where only a new item "
            f"can start: a key of the item above (a step's `expect:` or `actor:`) is indented as far as the "
            f"text after its `-`, column {context.column + 3} (at {stopped})",
        )
    here = problem.column
    above = {}  # indent -> the last line above with it
    for number in range(problem.line):
        text = lines[number]
        if text.strip() and not text.lstrip().startswith("#"):
            above[_indent(lines, number)] = number
    shallower = max((i for i in above if i < here), default=None)
    deeper = min((i for i in above if i > here), default=None)
    options = [
        f"{indent} spaces, as on line {above[indent] + 1}"
        for indent in (deeper, shallower)
        if indent is not None
    ]
    spaces = f"{here} space{'' if here == 1 else 's'}"
    said = f"this line is indented {spaces}, as no line above it is (at {stopped})"
    return _at(
        filename, problem, f"{said}: indent it as far as the key it belongs with ({', or '.join(options)})"
    )


def _at(filename: str, mark: yaml.Mark | None, said: str) -> Problem:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(filename, line, column, "", f"not valid YAML: {said}")


def _ends_at(text: str, plain: yaml.ScalarToken, problem: yaml.Mark) -> bool:
    """Whether PyYAML stopped right where a plain text ends (only blanks between): that text ran into it."""
    return plain.end_mark.index <= problem.index and not text[plain.end_mark.index : problem.index].strip()


def _indent(lines: list[str], line: int) -> int:
    """How far line ``line`` (0-based) is indented; 0 past the end (where the file ended)."""
    if line >= len(lines):
        return 0
    return len(lines[line]) - len(lines[line].lstrip())


def _quote_hint(lines: list[str], mark: yaml.Mark) -> str:
    """Inside ``{ }`` or ``[ ]`` the brace of an unquoted ``${name}`` is YAML's, and PyYAML's words
    (``expected ',' or '}', but got '{'``) never say to quote it: show the value there quoted."""
    line, at = (lines[mark.line] if mark.line < len(lines) else ""), max(mark.column - 1, 0)
    if not line[at:].startswith("${"):
        return ""
    start = at
    while start > 0 and line[start - 1] not in " ,{[":
        start -= 1
    return f'; a ${{variable}} inside {{ }} or [ ] needs quotes: "{line[start : line.find("}", at) + 1]}"'
