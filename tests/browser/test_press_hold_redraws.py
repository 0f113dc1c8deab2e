"""A redraw held back for a press is dropped when a newer draw comes before it runs.

While a press is held in a list, what would come above the pressed entry waits for the release
(``SLS.keyed`` and ``SLS.morph``, ``common.js``), and the list is drawn again a task after the release's
click. A poll answered in between (its task queued before that one) drew the newer list, and the held-back
draw then put the older one back over it; the trainer's users table, whose next poll of the same shape draws
nothing, stayed that way. The press and the release are the page's own pointer events, dispatched where
the page listens for them."""

from __future__ import annotations

from typing import Any

from .pages_kit import World

#: Draws a list with SLS.keyed (or a table with SLS.morph), holds a press on its only entry's button while
#: an entry comes above it, then releases and, before the held-back draw's task, draws a newer list.
STAGE = """async (how) => {
  const list = document.createElement(how === "keyed" ? "ul" : "tbody");
  document.body.append(how === "keyed" ? list : document.createElement("table").appendChild(list).parentNode);
  const entry = (name) => {
    const node = document.createElement(how === "keyed" ? "li" : "tr");
    node.dataset.testid = "entry-" + name;
    node.append(document.createElement("button"));
    node.firstChild.textContent = name;
    return node;
  };
  const draw = (names) => {
    if (how === "keyed") { SLS.keyed(list, names, (n) => n, entry); return; }
    const drawn = document.createElement("tbody");
    names.forEach((n) => drawn.append(entry(n)));
    SLS.morph(list, drawn);
  };
  const names = () => Array.from(list.children, (n) =>
    n.firstChild.textContent + (n.dataset.gone === undefined ? "" : " (gone)"));
  draw(["b"]);
  const button = list.querySelector("button");
  button.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true }));
  draw(["a", "b"]);
  const held = names();
  button.dispatchEvent(new PointerEvent("pointerup", { bubbles: true }));
  draw(["a", "b", "c"]);  // a poll's answer, before the held-back draw's task
  await new Promise((done) => setTimeout(done, 0));
  await new Promise((done) => setTimeout(done, 0));
  return { held: held, after: names() };
}"""


def test_a_newer_draw_between_a_release_and_its_held_back_draw_stays(world: World, page: Any) -> None:
    page.goto(world.url + "/")
    for how in ("keyed", "morph"):
        seen = page.evaluate(STAGE, how)
        assert seen["held"] == ["b"], how  # "a" would come above the pressed "b": it waits
        assert seen["after"] == ["a", "b", "c"], how
