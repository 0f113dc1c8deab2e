"""The suite's apps share compiled templates (``tests/template_cache.py``): a page an earlier app rendered is
not compiled again by the next, and a template whose source changed is compiled anew, not served stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import SHARED_TEMPLATES, config_on
from jinja2 import Environment, Template
from template_cache import SharedBytecode

from sls_server import create_app


class CountingEnvironment(Environment):
    """Counts the templates it compiles from source."""

    compiled = 0

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        CountingEnvironment.compiled += 1
        return super().compile(*args, **kwargs)


def test_a_second_app_renders_the_page_without_compiling_its_templates(
    redis_url: str, tmp_path: Path
) -> None:
    first = create_app(config_on(redis_url, tmp_path / "first"))
    assert first.jinja_env.bytecode_cache is SHARED_TEMPLATES
    assert first.test_client().get("/trainer").status_code == 200
    second = create_app(config_on(redis_url, tmp_path / "second"))
    second.jinja_env.__class__ = CountingEnvironment
    CountingEnvironment.compiled = 0
    page = second.test_client().get("/trainer")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert CountingEnvironment.compiled == 0


def test_a_changed_source_is_compiled_again(tmp_path: Path) -> None:
    from jinja2 import FileSystemLoader

    cache = SharedBytecode()
    (tmp_path / "t.html").write_text("one {{ x }}")
    first = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
    assert first.get_template("t.html").render(x=1) == "one 1"
    (tmp_path / "t.html").write_text("two {{ x }}")
    again: Template = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache).get_template(
        "t.html"
    )
    assert again.render(x=2) == "two 2"
