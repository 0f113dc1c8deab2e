"""rose, a card user with a phone, walked through a forgotten password (``/api/v1/auth/recovery``): the
recovery tests' one user, her texts and the route's steps."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser, trail
from flask.testing import FlaskClient

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PHONE = "+15555550126"
NEW = "Violet-Harbour-Lantern-42"


class Rose(EnrolledUser):
    """A card user with a phone (the code goes there)."""

    def __init__(self, client: FlaskClient, name: str = "rose") -> None:
        super().__init__(client, ADMIN, name, "1234")
        assert (
            client.put(f"/admin/v1/users/{name}/phone", json={"phone": PHONE}, headers=ADMIN).status_code
            == 200
        )

    def texts(self, number: str = PHONE) -> list[dict[str, Any]]:
        return self.client.get(f"/sim/v1/phones/{number}/messages").get_json()["messages"]  # type: ignore[no-any-return]

    def recovery_code(self, number: str = PHONE) -> str:
        return next(m["code"] for m in self.texts(number) if m["purpose"] == "password_recovery")

    def wrong_code(self) -> str:
        """A code that is not the one last texted (when none was, every code is wrong anyway)."""
        texted = [m["code"] for m in self.texts() if m["purpose"] == "password_recovery"]
        return "111111" if texted and texted[0] == "000000" else "000000"

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1/auth/recovery{path}", json=body)

    def start(self, username: str | None = None) -> str:
        started = self.post("", {"username": username or self.username})
        assert started.status_code == 200, started.get_json()
        return str(started.get_json()["recovery_token"])

    def events(self, type_: str) -> list[dict[str, Any]]:
        return trail(self.client, ADMIN, type_, limit=1000)  # type: ignore[no-any-return]
