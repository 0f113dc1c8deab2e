"""How ``key_check_claim.lua`` records the secret key a Redis's secrets are sealed under, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): the
first server records its check; a check of the first form naming the same key is replaced by the second; a
check of another key is kept and answered, so the server holding that other key is refused. Through
``Store.claim_key_check``, on a real redis-server."""

from __future__ import annotations

from sls_server.store import Store, keys


def recorded(store: Store) -> str | None:
    value = store.client.get(keys.SECRET_KEY_CHECK)
    return None if value is None else str(value)


def test_the_first_server_records_its_check(store: Store) -> None:
    store.client.delete(keys.SECRET_KEY_CHECK)
    assert store.claim_key_check("second-A", first_form="first-A") == "second-A"
    assert recorded(store) == "second-A"


def test_the_same_keys_first_form_is_replaced_by_the_second(store: Store) -> None:
    store.client.set(keys.SECRET_KEY_CHECK, "first-A")
    assert store.claim_key_check("second-A", first_form="first-A") == "second-A"
    assert recorded(store) == "second-A"


def test_another_keys_check_is_kept_and_answered(store: Store) -> None:
    store.client.set(keys.SECRET_KEY_CHECK, "second-B")
    assert store.claim_key_check("second-A", first_form="first-A") == "second-B"
    assert recorded(store) == "second-B"
