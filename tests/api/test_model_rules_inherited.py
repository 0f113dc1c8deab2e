"""The login model's machine is split by topic into subclasses of ``model_machine.ModelMachine``, and
``test_login_model.LoginPolicy`` inherits them: this holds that split to what it relies on, that Hypothesis
runs the rules, preconditions, initializers and invariants a machine inherits from its base classes as its
own, and that the machine CI runs has every rule of every topic (none lost in a split, none doubled)."""

from __future__ import annotations

from typing import ClassVar

from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from hypothesis.stateful import run_state_machine_as_test as run
from test_login_model import LoginPolicy

#: The rules of the machine CI runs, by topic module: a rule added to a topic is added here.
RULES = {
    "model_login_rules": {
        "password_roll", "verify_roll", "log_in", "answer_push", "ask_for_challenge", "resend",
        "resend_burst", "verify_old_code", "poll", "verify_unknown", "log_in_on_the_old_ibkey",
    },
    "model_stepup_rules": {
        "stepup", "stepup_push", "stepup_poll", "stepup_answer", "verify_identity", "withdraw",
    },
    "model_world_rules": {
        "use_session", "tickle", "logout", "reactivate", "unlock", "unlock_device", "allowlist", "roam",
        "mistype", "biometrics", "move_clock",
    },
}  # fmt: skip


class Base(RuleBasedStateMachine):
    """A tiny machine's base: an initializer, an invariant, and a rule with a precondition."""

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    @initialize()
    def start(self) -> None:
        self.ran.append("start")

    @precondition(lambda self: len(self.ran) % 2 == 0)
    @rule()
    def even(self) -> None:
        assert len(self.ran) % 2 == 0, "a base's precondition was not held"
        self.ran.append("even")

    @invariant()
    def checked(self) -> None:
        Tiny.invariants_run += 1


class Other(Base):
    """A topic beside it, with a rule of its own."""

    @rule()
    def other(self) -> None:
        self.ran.append("other")


class Tiny(Other):
    """What LoginPolicy is: no rule of its own, all inherited."""

    invariants_run = 0
    seen: ClassVar[set[str]] = set()

    def teardown(self) -> None:
        Tiny.seen.update(self.ran)


def test_hypothesis_runs_the_rules_a_machine_inherits() -> None:
    Tiny.seen, Tiny.invariants_run = set(), 0
    run(Tiny, settings=settings(max_examples=20, stateful_step_count=10, derandomize=True, database=None))
    assert Tiny.seen == {"start", "even", "other"}
    assert Tiny.invariants_run > 0


def test_the_machine_ci_runs_has_every_topic_s_rules() -> None:
    state = LoginPolicy.setup_state()
    names = [r.function.__name__ for r in state.rules]
    assert sorted(names) == sorted(set().union(*RULES.values()))
    by_module = {name: r.function.__module__ for name, r in zip(names, state.rules, strict=True)}
    assert all(by_module[name] == module for module, rules in RULES.items() for name in rules)
    assert [r.function.__name__ for r in state.initializers] == ["world"]
    assert [i.function.__name__ for i in state.invariants] == ["lockout_view"]
