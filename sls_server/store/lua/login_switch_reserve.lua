-- Reserve one switch of a pending second-factor step, BEFORE the new prompt is sent: another factor (M2FS) or
-- a fresh code, keeping its attempt count (a new code must not reset failures: NIST 800-63B-4 §3.1.3.2). A
-- login has one absolute lifetime from its start ('dies_at') and a fixed number of switches; the one past the
-- limit kills the login, so it cannot be kept alive or used to drain a card's challenges. Reserved first, so a
-- request refused here sends nothing, however many race: at most the limit's worth are ever sent.
-- The current prompt stays as it is (still answerable) until login_switch_commit.lua writes the new one.
-- KEYS[1] login hash   KEYS[2] user hash   ARGV[1] now
-- Returns {'ok', ticket}: the step's reservations so far ('switch_seq', 1 for its first), which names this one
-- for the commit; or {reason}: missing | revoked | expired | exhausted | the settled state.
-- include: user_stands
-- include: switch_refusal
local txn = redis.call('HMGET', KEYS[1], 'state', 'expires_at', 'epoch', 'dies_at')
local refused = switch_refusal(KEYS[1], KEYS[2], txn[1], txn[3], ARGV[1])
if refused then
  return refused
end
local now = tonumber(ARGV[1])
local dies_at = tonumber(txn[4] or txn[2])
if now >= tonumber(txn[2]) or now >= dies_at then
  redis.call('HSET', KEYS[1], 'state', 'expired')  -- told so, it stays so if the clock goes back
  return {'expired'}
end
local left = redis.call('HINCRBY', KEYS[1], 'switches_left', -1)
if left < 0 then
  redis.call('HSET', KEYS[1], 'state', 'exhausted', 'settled_at', ARGV[1])
  return {'exhausted'}
end
return {'ok', redis.call('HINCRBY', KEYS[1], 'switch_seq', 1)}
