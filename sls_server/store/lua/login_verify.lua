-- Settle one answer to a second-factor step atomically, so an answer is accepted once and racing answers
-- cannot both win or both spend the same attempt. A step whose user was disabled or deleted since it began
-- (the epoch moved) is dead, whatever the answer.
-- KEYS[1] login hash   KEYS[2] user hash   ARGV[1] now (unix s, the app clock)
-- ARGV[2] 'ok' | 'bad' | 'deny' | 'end' (a wrong answer that ends the step at once, whatever attempts are left)
-- ARGV[3] the state an 'ok' moves to ('authenticated' or 'approved')
-- ARGV[4] the prompt the answer was checked against (its 'prompt_no' as read; '' = not compared): a
-- switch or a new code landing since replaced it, and an answer to a dead prompt settles nothing, right or
-- wrong (so the refusal tells nothing about the answer either)
-- KEYS[3] the user's strikes on their devices (lib/device_strikes.lua)   ARGV[5] the limit of wrong responses
-- per device ('' = none: the strikes are neither judged nor counted)   ARGV[6] the device's own count of them
-- as the request read it: a wrong answer is struck here before the device counts it (device_failure.lua),
-- and a right one refused while the strikes stand at the limit: a wrong one that disabled the device after
-- the right one read it holds, as the device's own lock would ('device_locked', nothing settled)
-- ARGV[7] how many of the device's count a right answer cleared (not read here: a step-up's answer is settled
-- before its device's count is cleared, device_strikes_clear.lua)
-- ARGV[8] the card's version as the request read it with one user and did not ask its own slot ('': read
-- shared, or asked): shared since (the share's mark, lib/device_strikes.lua), a right answer is refused
-- 'device_shared', nothing settled, for the caller to ask the card and settle it again
-- KEYS[4] (optional) the lockout bucket the step's password was (or its request would be) counted in: while
-- it is locked, no answer settles anything, right or wrong (a lock placed after the answer was read holds)
-- Returns {status, attempts_left}: status is missing | used | dead | revoked | device_revoked (its device was
-- revoked or replaced since: logins_device_revoked.lua) | switched | expired | device_locked | device_shared |
-- ok | bad | denied; or {'locked', until} (0: until an admin unlocks it).
-- include: lock_refusal
-- include: user_stands
-- include: device_strikes
local txn = redis.call('HMGET', KEYS[1], 'state', 'expires_at', 'epoch', 'prompt_no', 'device_id', 'device_gone')
local state = txn[1]
if not state then
  return {'missing', 0}
end
if state == 'authenticated' or state == 'approved' then
  return {'used', 0}
end
if state ~= 'second_factor' then
  return {(state == 'revoked' or state == 'device_revoked') and state or 'dead', 0}
end
if not user_stands(KEYS[2], txn[3]) then
  redis.call('HSET', KEYS[1], 'state', 'revoked', 'settled_at', ARGV[1])
  return {'revoked', 0}
end
if txn[6] and txn[6] == txn[5] then
  return {'device_revoked', 0}  -- revoked while the answer was checked (logins_device_revoked.lua): no spend
end
if (ARGV[4] or '') ~= '' and ARGV[4] ~= (txn[4] or '') then
  return {'switched', 0}
end
local now = tonumber(ARGV[1])
if now >= tonumber(txn[2]) then
  redis.call('HSET', KEYS[1], 'state', 'expired')
  return {'expired', 0}
end
if KEYS[4] then
  local refused = lock_refusal(KEYS[4], now)
  if refused then
    return refused
  end
end
local judged = ARGV[5] ~= '' and txn[5]
if ARGV[2] == 'ok' and judged then
  local strikes, shared = strikes_and_share(KEYS[3], txn[5], ARGV[6], tonumber(ARGV[8]))
  if strikes >= tonumber(ARGV[5]) then
    return {'device_locked', 0}
  end
  if shared then
    return {'device_shared', 0}
  end
end
if ARGV[2] == 'ok' then
  redis.call('HSET', KEYS[1], 'state', ARGV[3], 'settled_at', ARGV[1])
  return {'ok', tonumber(redis.call('HGET', KEYS[1], 'attempts_left'))}
end
if ARGV[2] == 'deny' then
  redis.call('HSET', KEYS[1], 'state', 'denied', 'settled_at', ARGV[1])
  return {'denied', 0}
end
if judged then
  strike(KEYS[3], txn[5], ARGV[6])
end
local left = redis.call('HINCRBY', KEYS[1], 'attempts_left', -1)
if ARGV[2] == 'end' then
  left = 0
  redis.call('HSET', KEYS[1], 'attempts_left', 0)
end
if left <= 0 then
  redis.call('HSET', KEYS[1], 'state', 'failed', 'settled_at', ARGV[1])
end
return {'bad', left}
