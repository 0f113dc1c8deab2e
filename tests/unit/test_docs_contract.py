"""What the documents and ``--help`` texts name of the HTTP contract exists as named: each route (with its
method) is served and in ``/openapi.json``, each error code is one the server answers with that status,
each audit event type is one it writes, each file of this repository they point to is there.

A route, code or event renamed in the code and not in the text fails here (CONTRIBUTING's "Adding a route"
and "Errors" are what keep the code side; this keeps the words users read).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docs_kit import DOCUMENTS, ROOT, help_texts, inline_code, prose, section, text
from flask import Flask
from test_error_names import sls_errors

from sls_server import create_app
from sls_server.cli.gunicorn_errors import SERVER_FAULT
from sls_server.event_types import EVENT_TYPES

#: The words to check: each document, and every command's and option's help.
SOURCES = {
    **{name: text(name) for name in DOCUMENTS},
    **{f"sls {w} --help": t for w, t in help_texts().items()},
}

_ROUTE = re.compile(
    r"\b((?:GET|POST|PUT|DELETE|PATCH)(?:`?/`?(?:GET|POST|PUT|DELETE|PATCH))*)`? (/[^\s`,;)\"']*)"
)
#: Paths of the surfaces, with or without a method in front (``/sim/v1/phones/<number>/messages``).
_PATH = re.compile(
    r"(?<![\w.:/-])(/(?:api|admin|sim|v1|trainer|account|login|logged-out|sso)(?:/[^\s`,;)\"'*]*)?)(?![\w.-])"
)
#: The gateway table names its REST routes without their prefix (``POST /tickle``, "under /v1/api").
GATEWAY_PREFIXES = ("/v1/api", "/v1/portal")
SURFACES = ("/api", "/adm", "/sim", "/v1/")
#: The pages' own routes (the browser's, not the API's): served, and left out of /openapi.json on purpose.
PAGES = ("pages.", "gateway_pages.")
_CODE = re.compile(
    r"\b([45]\d\d)\)?`? `?([a-z]+(?:_[a-z]+)+)\b|error: ([a-z]+(?:_[a-z]+)+)|\"error\": ?\"(\w+)\""
)
#: Paths of this repository's folders that the documents name though they are not there, and why.
ELSEWHERE = {"bench/profile_flow.py": "named as gone: folded into sls_bench/step_cost.py"}


@pytest.fixture(scope="module")
def gateway_app(tmp_path_factory: pytest.TempPathFactory, redis_server: Any) -> Flask:
    """Gateway mode serves every route there is: the emulator's and the gateway's."""
    folder = tmp_path_factory.mktemp("docs")
    return create_app(
        {"REDIS_URL": redis_server.url, "DATA_DIR": str(folder), "HASH_PROFILE": "test", "GATEWAY": True}
    )


def _segments(path: str) -> list[str]:
    """``/users/<username>`` or ``/users/{username}`` as segments, each parameter ``*``; as written in the
    words, query, ``[?force=true]`` and trailing punctuation off and each ``<placeholder>`` a ``*``."""
    path = re.split(r"[?\[]", path)[0].rstrip(".:")
    return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path).strip("/").split("/")


def _matches(mentioned: list[str], route: list[str], *, prefix: bool = False) -> bool:
    """A mention names a route when each segment is the route's or fills its parameter (``attacker`` in
    ``/phones/<number>``); a placeholder only fills a parameter. ``prefix``: the start of a route will do."""
    if len(mentioned) > len(route) or (not prefix and len(mentioned) != len(route)):
        return False
    return all(r == "*" or m == r for m, r in zip(mentioned, route, strict=False))


def test_every_route_the_words_name_is_served_with_that_method(gateway_app: Flask) -> None:
    spec = gateway_app.test_client().get("/openapi.json").get_json()
    operations = [
        (m.upper(), _segments(p)) for p, item in spec["paths"].items() for m in item if m != "parameters"
    ]
    rules = list(gateway_app.url_map.iter_rules())
    pages = [(m, _segments(r.rule)) for r in rules if r.endpoint.startswith(PAGES) for m in r.methods or ()]
    served = [_segments(r.rule) for r in rules]
    problems = []
    for where, words in SOURCES.items():
        for methods, raw in _ROUTE.findall(words):
            mentioned = _segments(raw)
            if "…" in raw or "..." in raw:
                continue  # POST …/respond: the route the sentence is about, written short
            candidates = [mentioned] + [
                _segments(p) + mentioned for p in GATEWAY_PREFIXES if raw[:4] not in SURFACES
            ]
            for method in re.findall(r"GET|POST|PUT|DELETE|PATCH", methods):
                if not any(m == method and _matches(c, r) for c in candidates for m, r in operations + pages):
                    problems.append(f"{where}: {method} {raw}")
        for raw in _PATH.findall(words):  # a route or what several share (/sim/v1, /sim/v1/phones/<n>/…)
            mentioned = _segments(raw.rstrip(".").removesuffix("…"))
            candidates = [mentioned] + [_segments(p) + mentioned for p in GATEWAY_PREFIXES]
            if not any(_matches(c, r, prefix=True) for c in candidates for r in served):
                problems.append(f"{where}: {raw}")
    assert problems == [], "routes the words name that the server does not serve so:\n" + "\n".join(problems)


def test_every_error_code_the_words_name_is_answered_with_that_status() -> None:
    statuses: dict[str, set[int]] = {SERVER_FAULT: {500}}
    for error in sls_errors():
        statuses.setdefault(error.code, set()).add(error.status)
    problems = []
    for where, words in SOURCES.items():
        for status, code, after_error, in_json in _CODE.findall(words):
            named = code or after_error or in_json
            if named not in statuses:
                problems.append(f"{where}: {status} {named}: no error has this code")
            elif status and int(status) not in statuses[named]:
                problems.append(f"{where}: {status} {named}: answered with {sorted(statuses[named])}")
    assert problems == [], "\n".join(problems)


#: An event type as the words write it: ``family.what``, each part lower case and starting with a letter; a
#: family may hold an underscore (``admin_api.token_refused``, ``password_recovery.started``). A name whose
#: part starts with one (``events._log``) is Python's, not a type.
_EVENT_TYPE = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")
_FAMILIES = {kind.split(".")[0] for kind in EVENT_TYPES}


def unwritten_event_types(words: str) -> list[str]:
    """The spans of ``words`` that name an event type of a known family that the server does not write."""
    return [
        span
        for span in inline_code(words)
        if _EVENT_TYPE.fullmatch(span)
        and span.split(".")[0] in _FAMILIES
        and span not in EVENT_TYPES
        and not span.endswith(".json")  # a file of the data folder (``gateway.json``), not an event
    ]


def test_the_event_type_check_reads_every_family_and_no_python_name() -> None:
    words = (
        "`admin_api.token_revoked`, `password_recovery.finished`, `login.vanished`,"
        " `events._log`, `auth.token_guesses`, `admin_api.token_refused`, `events.summary`, `gateway.json`"
    )
    assert unwritten_event_types(words) == [
        "admin_api.token_revoked",
        "password_recovery.finished",
        "login.vanished",
    ]


def test_every_event_type_the_words_name_is_written() -> None:
    """Event types are ``family.what`` (``login.succeeded``); a span of a known family must be a type."""
    problems = [
        f"{where}: {span}" for where, words in SOURCES.items() for span in unwritten_event_types(words)
    ]
    assert problems == [], "\n".join(problems)


def test_every_file_of_the_repository_the_words_name_is_there() -> None:
    """``tests/api/test_x.py::test_y`` names a test that exists; ``store/lua/`` or ``http/security.py`` is
    read from ``sls_server``; ``replace_field.lua`` is a script in ``store/lua``."""
    tops = {p.name for p in ROOT.iterdir()} | {p.name for p in (ROOT / "sls_server").iterdir() if p.is_dir()}
    tops |= {"devices", "scenarios", "bench"}  # the packages' names before their sls_ prefix: checked too
    problems = []
    for where, words in SOURCES.items():
        for span in inline_code(words):
            path, _, test = span.partition("::")
            if re.fullmatch(r"[\w-]+\.lua", path):
                path = f"sls_server/store/lua/{path}"
            if not re.fullmatch(r"\.?[\w-]+(?:/[\w.-]+)+/?", path) or path.split("/")[0] not in tops:
                continue  # not a path, or another project's (IBeam's ibeam/src/var.py)
            found = [base / path for base in (ROOT, ROOT / "sls_server") if (base / path).exists()]
            if not found:
                if path not in ELSEWHERE:
                    problems.append(f"{where}: {span}: no such file")
            elif test and not re.search(rf"^def {re.escape(test)}\b", found[0].read_text(), re.MULTILINE):
                problems.append(f"{where}: {span}: no such test")
    assert problems == [], "\n".join(problems)
    for path in ELSEWHERE:
        assert not (ROOT / path).exists(), f"{path} is in this repository after all: drop it from ELSEWHERE"


def _testid_patterns() -> tuple[str, list[re.Pattern[str]]]:
    """The pages' sources, and each test id they build from a variable as a pattern: ``card-key-{{ k }}``
    in a template, ``"ibkey-match-" + c`` in a script."""
    web = ROOT / "sls_server" / "web"
    sources = "".join(p.read_text() for p in web.rglob("*") if p.suffix in (".html", ".js"))
    built = re.findall(r'data-testid="([^"]*\{\{[^"]*)"', sources)
    built += [f"{prefix}{{{{x}}}}" for prefix in re.findall(r'testid"?: "([\w-]+)" \+', sources)]
    parts = [re.split(r"\{\{.*?\}\}", b) for b in built]
    # {{ testid }} alone (a macro's argument) matches anything: its ids are quoted where the macro is called
    return sources, [re.compile(r"[\w-]+".join(map(re.escape, p)) + "$") for p in parts if p[0]]


def test_every_test_id_the_readme_promises_is_on_the_pages() -> None:
    """The ``data-testid`` table (docs/pages.md) says its ids "are kept": people's Playwright scripts use
    them."""
    table = section("docs/pages.md", "`data-testid` reference")
    rows = [row.split(" | ", 1)[1] for row in table.splitlines() if row.startswith("| ") and " | `" in row]
    ids = {
        span.replace("<", "").replace(">", "")  # factor-option-<type>: one id per type
        for row in rows
        for span in inline_code(row)
        if not span.startswith("data-")
        and span not in ("dscplus", "ibkey", "sms", "voice", "totp", "temporary")
    }
    assert len(ids) > 120, "the test id table was not found"
    sources, patterns = _testid_patterns()
    missing = sorted(
        i
        for i in ids
        if not re.search(rf"""["'=]{re.escape(i)}["'\]]""", sources) and not any(p.match(i) for p in patterns)
    )
    assert missing == [], f"test ids docs/pages.md promises that no page has: {missing}"


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (letters, digits, ``_`` and ``-`` stay),
    each space a hyphen; markup such as backticks goes with the punctuation."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(document: str) -> set[str]:
    """Every anchor of a document's headings; a heading whose anchor came before gets ``-1``, ``-2``..., as
    GitHub numbers them. A ``# comment`` in a fenced block is no heading."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", prose(document), re.MULTILINE):
        anchor = _anchor(heading)
        anchors.add(f"{anchor}-{seen[anchor]}" if anchor in seen else anchor)
        seen[anchor] = seen.get(anchor, 0) + 1
    return anchors


def test_anchors_are_made_as_github_makes_them() -> None:
    assert _anchor("Step by step, per authenticator") == "step-by-step-per-authenticator"
    assert _anchor("`data-testid` reference") == "data-testid-reference"
    assert _anchor("What `sls login` keeps, and `sls events`") == "what-sls-login-keeps-and-sls-events"
    assert _anchor("Measuring a change in one run: `sls bench --against`") == (
        "measuring-a-change-in-one-run-sls-bench---against"
    )
    assert _anchors("# A\n## Usage\n```\n# Usage\n```\n### Usage\n") == {"a", "usage", "usage-1"}


def _link_problems(where: str, target: str, base: Path) -> list[str]:
    """``target`` as written in ``where`` (relative to ``base``): a file that is there, and its heading."""
    path, _, heading = target.partition("#")
    linked = base.joinpath(path) if path else ROOT / where
    if not linked.exists():
        return [f"{where}: {target}: no such file"]
    if heading and (linked.suffix != ".md" or heading not in _anchors(linked.read_text())):
        return [f"{where}: {target}: no such heading"]
    return []


def test_every_link_of_the_documents_leads_somewhere() -> None:
    """``[Scaling out](#scaling-out)``: a heading of the same document; ``(docs/x.png)``: a file;
    ``(operations.md#configuration)``: a heading of that file. README.md, CONTRIBUTING.md and every
    docs/*.md are in ``DOCUMENTS``, so the README's map and the guides' links to each other are all held."""
    problems = []
    assert {"README.md", "CONTRIBUTING.md", "docs/integration.md", "docs/operations.md"} <= set(DOCUMENTS)
    checked = 0
    for name in DOCUMENTS:
        for target in re.findall(r"\]\(([^)\s]+)\)", prose(text(name))):
            if "://" in target or target.startswith("mailto:"):
                continue
            checked += 1
            problems += _link_problems(name, target, (ROOT / name).parent)
    assert checked > 100
    assert problems == [], "\n".join(problems)


#: A document (and maybe a heading of it) as code and pages name it for a reader:
#: ``docs/operations.md#scaling-out``.
_DOC_MENTION = re.compile(r"(?<![\w/.-])((?:README|CONTRIBUTING|docs/[\w-]+)\.md(?:#[\w-]+)?)")


def test_every_document_the_code_and_pages_name_is_there() -> None:
    """What the server, the CLI and the pages print or link (``docs/operations.md#scaling-out`` in a start-up
    message, a guide named in a template) is a document of this repository, and its heading one it has."""
    sources = [
        p
        for folder in ("sls_server", "sls_scenarios", "sls_devices", "sls_bench", "scripts")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in (".py", ".html", ".js", ".yaml")
    ]
    problems = []
    for source in sources:
        for mention in _DOC_MENTION.findall(source.read_text()):
            problems += _link_problems(str(source.relative_to(ROOT)), mention, ROOT)
    assert problems == [], "\n".join(problems)


#: ``POST /api/v1/verify {"purpose": "withdrawal"}``, ``POST …/respond {"challenge", "pin"|"biometric"}``: a
#: route (its start may be elided with ``…``) and the body the words give it.
_ROUTE_BODY = re.compile(r"\b(GET|POST|PUT|DELETE|PATCH)\s((?:…|\.\.\.)?/[^\s`]*)`?\s`?(\{[^{}]*\})")
#: A key of such a body: a quoted name that is not a value (``"withdrawal"`` after ``:``).
_BODY_KEY = re.compile(r'(?<!:)(?<!: )"(\w+)"(?=\s*[:,}|?])')


def _body_fields(spec: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    fields = set(schema.get("properties", {}))
    for branch in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
        fields |= _body_fields(spec, branch)
    return fields


def test_every_body_field_the_words_give_a_route_is_one_it_takes(gateway_app: Flask) -> None:
    """A field renamed in a request's shape and not in the guides (``{"code"}`` where the route takes
    ``response``) is a newcomer's 400; a body given to a route that takes none must be shown refused."""
    spec = gateway_app.test_client().get("/openapi.json").get_json()
    bodies: dict[tuple[str, tuple[str, ...]], set[str] | None] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                fields = _body_fields(spec, schema["schema"]) if schema else None
                bodies[(method.upper(), tuple(_segments(path)))] = fields
    checked, problems = 0, []
    for where, words in SOURCES.items():
        for found in _ROUTE_BODY.finditer(words):
            method, raw, body = found.groups()
            elided = raw.startswith(("…", "..."))
            mentioned = _segments(raw.lstrip("….").removeprefix("/") if elided else raw)
            routes = [
                fields
                for (m, route), fields in bodies.items()
                if m == method
                and (
                    _matches(mentioned, list(route[-len(mentioned) :]))
                    if elided
                    else _matches(mentioned, list(route))
                )
            ]
            if not routes:
                continue  # a route the words name wrongly: test_every_route_the_words_name_... says so
            checked += 1
            if all(fields is None for fields in routes):
                if "400" not in words[found.end() : found.end() + 80]:
                    problems.append(f"{where}: {method} {raw} {body}: the route takes no body")
                continue
            takes = set().union(*(fields for fields in routes if fields is not None))
            problems += [
                f"{where}: {method} {raw} {body}: no field {key!r} (it takes {', '.join(sorted(takes))})"
                for key in _BODY_KEY.findall(body)
                if key not in takes
            ]
    assert checked > 25, checked
    assert problems == [], "\n".join(problems)
