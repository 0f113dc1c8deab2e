"""Hypothesis on the parsers that read outside text, without a server: IP addresses and ranges
(``sls_server.ipnets``), RFC 6287 OCRA suites and challenges (``sls_devices.ocra_suite``, ``ocra``) and
scenario files (``sls_scenarios.loader``). Each either reads its input or refuses it with its own error; any
other exception is what a request or ``sls scenario`` would turn into a 500 or a traceback.

``FUZZ_EXAMPLES`` (default 60, CI's) sets how many inputs each property gets: CONTRIBUTING.md's "Fuzzing
locally" runs these with thousands.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml
from document_paths import value_paths
from fuzz_settings import fuzzing
from hypothesis import given
from hypothesis import strategies as st

from sls_devices import ocra
from sls_devices.ocra_suite import OcraError, OcraSuite, OcraSuiteError
from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid
from sls_server import ipnets

FUZZ = fuzzing(60)
LIBRARY = Path(__file__).parents[2] / "sls_scenarios" / "library"

#: Text that looks like addresses and ranges: their own characters, and some that are not quite.
_IP_ALPHABET = st.sampled_from([*"0123456789abcdefABCDEF.:/%-x ", "\u0661", "\uff10", "\x00", "\n"])
ip_like = st.one_of(
    st.text(_IP_ALPHABET, max_size=45),
    st.ip_addresses().map(str),
    st.builds(lambda a, n: f"{a}/{n}", st.ip_addresses().map(str), st.integers(-1, 140)),
    st.text(max_size=45),
)


@FUZZ
@given(ip_like)
def test_an_address_is_read_or_refused_with_a_value_error(text: str) -> None:
    try:
        address = ipnets.parse_ip(text)
    except ValueError:
        return
    assert ipnets.parse_ip(str(address)) == address  # its canonical text reads back as itself
    assert str(address).isascii()


@FUZZ
@given(ip_like)
def test_a_range_is_read_or_refused_with_a_value_error(text: str) -> None:
    try:
        network = ipnets.parse_network(text)
    except ValueError:
        return
    shown = ipnets.network_text(network)
    assert shown.isascii()
    assert ipnets.parse_network(shown) == network  # what the server shows and stores reads back the same
    assert not (isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped)


#: Suites built from RFC 6287's grammar, with a digit or a field sometimes out of place.
_DIGITS = st.sampled_from(["0", "1", "4", "6", "8", "10", "64", "99", "\u0668", "\u0666\u0664", "\uff18"])
suite_like = st.one_of(
    st.builds(
        lambda h, t, c, q, n, p, s, tm: f"OCRA-1:HOTP-SHA{h}-{t}:{c}Q{q}{n}{p}{s}{tm}",
        st.sampled_from(["1", "256", "512", "\u0661"]),
        _DIGITS,
        st.sampled_from(["", "C-"]),
        st.sampled_from("ANHX"),
        st.sampled_from(["06", "08", "64", "65", "\u0660\u0668", "\u0968\u0966"]),
        st.sampled_from(["", "-PSHA1", "-PSHA256", "-PMD5"]),
        st.sampled_from(["", "-S", "-S064", "-S000", "-S\u0661\u0662\u0668"]),
        st.sampled_from(["", "-T1M", "-T30S", "-T0H", "-T\u0661M", "-T60S"]),
    ),
    st.text(max_size=60),
)


@FUZZ
@given(suite_like)
def test_a_suite_is_read_or_refused_as_no_suite(text: str) -> None:
    """A suite's text is hashed into every response as ASCII (RFC 6287 section 5.1), and one suite has one
    spelling: a parsed suite is ASCII and its answer can be computed."""
    try:
        suite = OcraSuite.parse(text)
    except OcraSuiteError:
        return
    assert suite.text.isascii(), f"{text!r} parsed"
    question = {"N": "12345678", "A": "ABCDEFGH", "H": "ABCDEF12"}[suite.question_format][
        : suite.question_length
    ]
    inputs: ocra.OcraInputs = {}
    if suite.counter:
        inputs["counter"] = 1
    if suite.pin_hash:
        inputs["pin"] = "1234"
    if suite.session_length:
        inputs["session"] = b"s"
    if suite.time_step_s:
        inputs["time_steps"] = 1
    ocra.ocra(suite, b"k" * 32, question, **inputs)


@FUZZ
@given(
    st.sampled_from(
        ["OCRA-1:HOTP-SHA256-8:QN06-PSHA1", "OCRA-1:HOTP-SHA256-8:QN06", "OCRA-1:HOTP-SHA1-6:QA08"]
    ),
    st.one_of(st.text(max_size=70), st.text(st.sampled_from("0123456789\u0661\uff11 +-_"), max_size=10)),
)
def test_a_challenge_is_read_or_refused_as_an_ocra_error(suite: str, challenge: str) -> None:
    try:
        key = ocra.encoded_question_key(suite, challenge)
    except OcraError:
        return
    assert key.isascii()


_LIBRARY_FILES = sorted(LIBRARY.glob("*.scenario.yaml"))


def _mutated(data: st.DataObject) -> bytes:
    """A library scenario with a few bytes replaced, inserted or cut, or raw bytes: what an editor, a merge
    or a truncated copy leaves in a file ``sls scenario run`` is given."""
    raw = data.draw(st.sampled_from(_LIBRARY_FILES)).read_bytes()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        piece = data.draw(
            st.one_of(
                st.binary(max_size=6),
                st.sampled_from(
                    [b"\n", b": ", b"- ", b"&a ", b"*a", b"!!python/name:os.system", b"{", b"[", b"\t"]
                ),
                st.text(max_size=6).map(lambda text: text.encode("utf-8", "surrogatepass")),
            )
        )
        cut = data.draw(st.integers(0, 8))
        raw = raw[:at] + piece + raw[at + cut :]
    return raw


@FUZZ
@given(st.data())
def test_a_scenario_file_is_loaded_or_refused_with_its_problems(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    file = tmp_path_factory.mktemp("scenario") / "fuzzed.scenario.yaml"
    file.write_bytes(_mutated(data))
    try:
        load(file)
    except ScenarioInvalid as invalid:
        assert invalid.problems
        assert all(problem.line >= 1 and problem.column >= 1 for problem in invalid.problems)


_YAML_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(),
        st.text(max_size=12),
        st.sampled_from(
            ["1s", "-5m", "99999999999d", "${missing}", "${world.users}", "PT5M", "\x00", "0o17"]
        ),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=5,
)


@fuzzing(20)  # each check takes about 0.2 s of the schema's validator
@given(st.data())
def test_a_scenario_with_a_value_changed_is_loaded_or_refused_with_its_problems(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Past the YAML: a scenario that parses, with one value of another type or range, meets the schema's
    checks and the cross-checks (durations, references, expectations), which must tell, not raise."""
    document = yaml.safe_load(data.draw(st.sampled_from(_LIBRARY_FILES)).read_text())
    places = value_paths(document)
    for _ in range(data.draw(st.integers(1, 3))):
        *head, last = data.draw(st.sampled_from(places))
        parent = document
        for step in head:
            parent = parent[step]
        try:
            parent[last] = data.draw(_YAML_VALUES)
        except (IndexError, KeyError, TypeError):
            continue
        places = value_paths(document)
    file = tmp_path_factory.mktemp("scenario") / "fuzzed.scenario.yaml"
    file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    try:
        load(file)
    except ScenarioInvalid as invalid:
        assert invalid.problems
