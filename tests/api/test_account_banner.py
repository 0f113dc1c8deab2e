"""The account page's success banner after a withdrawal names its reference: ``/account?done=withdrawal&ref=``
is where a verified withdrawal lands, and a link can carry any ``ref``. The banner must not say whatever a
link's author wrote into it (a phone number to call, say) inside the broker's own page."""

from __future__ import annotations

from conftest import EnrolledUser


def test_the_account_page_shows_only_a_reference_the_server_could_have_given(alice: EnrolledUser) -> None:
    alice.log_in()
    spoofed = alice.client.get("/account?done=withdrawal&ref=CALL+1-800-555-0199")
    assert spoofed.status_code == 200
    assert "555-0199" not in spoofed.get_data(as_text=True)
    real = alice.client.get("/account?done=withdrawal&ref=wd-0123456789ab")
    assert "(reference wd-0123456789ab)" in real.get_data(as_text=True)
