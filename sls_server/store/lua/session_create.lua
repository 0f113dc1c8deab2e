-- Create a session in one step: the user may have one (exists, not disabled, same epoch as the login that
-- earned it), the one-session rule holds under racing logins, and the record and its index entry are
-- written together, so no live session is ever missing from the user's index.
-- KEYS[1] user hash   KEYS[2] the user's session index (zset: id -> absolute expiry)   KEYS[3] new session hash
-- ARGV[1] now   ARGV[2] the user epoch the login began under
-- ARGV[3] 'replace' | 'refuse' | 'allow' (the live ones stay) | 'rotate' (a step-up's new token: only ARGV[7] ends,
-- and its fresh step-ups, as found now, pass to the new one unless ARGV[16..] sets the same purpose: one a task
-- spent since the request read the session, as a withdrawal spends its own, is not brought back)
-- ARGV[4] new session id   ARGV[5] its absolute expiry   ARGV[6] key prefix of the user's sessions
-- ARGV[7] the session a rotation retires ('' = none)   ARGV[8] seconds Redis keeps the hash (memory only)
-- ARGV[9] with KEYS[4]: the prompt its answer was checked against (the login's 'prompt_no' as read;
-- '' = not compared): a new code or a switch since replaced it, and the old answer does not settle it
-- ARGV[10] under 'allow', the live sessions a user may hold: the oldest beyond it are replaced, this one included
-- ARGV[11] seconds of real time a replaced session's tombstone is kept (only 'state' and 'at': session_touch.lua);
-- a rotation's retired session is left one too ('rotated'), so a request still carrying its token is told to use
-- the new one
-- ARGV[12] with KEYS[5]: the limit of wrong responses per device ('' = none)   ARGV[13] the device's own count of
-- them as the verify read it   ARGV[14] how many of them its right answer cleared since (device_success.lua)
-- ARGV[15] with KEYS[5]: the card's version as the verify read it with one user and did not ask its own slot
-- ('': read shared, or asked): shared since (the share's mark, lib/device_strikes.lua), no session is made, the
-- login left as it is ('device_shared': the caller asks the card and tries again)
-- ARGV[16..] field, value pairs of the new session
-- KEYS[4] (optional) the login this session completes, its answer found right: settled in the same step, so
-- racing right answers cannot both win, and a login refused a session (refuse, a disabled user) is not spent
-- KEYS[5] (with KEYS[4]) the user's strikes on their devices (lib/device_strikes.lua): the wrong responses
-- given to the login's device, struck there before the device counts them; at the limit (less the ones this
-- answer cleared) the device may be disabled since the verify read it, and no session is made, the login left
-- as it is: a wrong response racing the right one and disabling the device holds, as the device's lock would
-- KEYS[6] (optional, with KEYS[4]) the lockout bucket the login's password was counted in: while it is locked
-- no session is made and the login is left as it is (a lock placed after the verify read it still holds)
-- Returns {'ok', replaced ids...} | {'refused'} | {'disabled'} | {'no_user'} | {'stale'}
--       | for 'rotate': {'replaced'} (a newer login replaced the session retired) | {'rotated'} (a racing step-up
--         rotated it first) | {'retired'} (it ended)
--       | with KEYS[4]: {'missing'} | {'used'} | {'dead'} | {'revoked'} | {'device_revoked'} (its device was
--         revoked or replaced after the verify read it: logins_device_revoked.lua) | {'switched'} | {'expired'}
--       | with KEYS[5]: {'device_locked'} | {'device_shared'}   | with KEYS[6]: {'locked', until} (0: until an admin unlocks it)
-- include: lock_refusal
-- include: device_strikes
local now = tonumber(ARGV[1])
local txn_device = nil
if KEYS[4] then
  local txn = redis.call('HMGET', KEYS[4], 'state', 'expires_at', 'prompt_no', 'device_id', 'device_gone')
  if not txn[1] then
    return {'missing'}
  end
  if txn[1] == 'authenticated' or txn[1] == 'approved' then
    return {'used'}
  end
  if txn[1] ~= 'second_factor' then
    return {(txn[1] == 'revoked' or txn[1] == 'device_revoked') and txn[1] or 'dead'}
  end
  if txn[5] and txn[5] == txn[4] then
    return {'device_revoked'}  -- revoked after the verify read it (logins_device_revoked.lua)
  end
  if ARGV[9] ~= '' and ARGV[9] ~= (txn[3] or '') then
    return {'switched'}
  end
  if now >= tonumber(txn[2]) then
    redis.call('HSET', KEYS[4], 'state', 'expired')
    return {'expired'}
  end
  if KEYS[6] then
    local refused = lock_refusal(KEYS[6], now)
    if refused then
      return refused
    end
  end
  txn_device = txn[4]
  if ARGV[12] ~= '' and txn[4] then
    local cleared = tonumber(ARGV[14])
    local strikes, shared = strikes_and_share(KEYS[5], txn[4], ARGV[13], tonumber(ARGV[15]))
    if strikes - cleared >= tonumber(ARGV[12]) then
      strikes_cleared(KEYS[5], txn[4], cleared)
      return {'device_locked'}
    end
    if shared then
      return {'device_shared'}  -- nothing cleared: the step that settles it after the card is asked clears them
    end
  end
end
local function refuse(status)
  if KEYS[4] and ARGV[12] ~= '' and txn_device then
    strikes_cleared(KEYS[5], txn_device, tonumber(ARGV[14]))  -- cleared on the device all the same
  end
  if KEYS[4] and status ~= 'refused' then
    redis.call('HSET', KEYS[4], 'state', 'revoked', 'settled_at', ARGV[1])
  end
  return {status}
end
local user = redis.call('HMGET', KEYS[1], 'username', 'disabled', 'epoch')
if not user[1] then
  return refuse('no_user')
end
if user[2] == '1' then
  return refuse('disabled')
end
if (user[3] or '') ~= ARGV[2] then
  return refuse('stale')
end
if ARGV[3] == 'rotate' then
  -- the session a step-up retires must still be live now, not only when its request began: one logged out,
  -- killed or replaced meanwhile is not brought back, and of two step-ups racing on it only one rotates it
  local retired = redis.call('HMGET', ARGV[6] .. ARGV[7], 'state', 'idle_expires_at', 'expires_at')
  if retired[1] == 'replaced' or retired[1] == 'rotated' then
    return {retired[1]}
  end
  if not retired[2] or tonumber(retired[2]) <= now or tonumber(retired[3]) <= now then
    return {'retired'}
  end
end
local carried = {}
if ARGV[3] == 'rotate' then
  local old = redis.call('HGETALL', ARGV[6] .. ARGV[7])
  for i = 1, #old, 2 do
    if string.sub(old[i], 1, 9) == 'verified:' and tonumber(old[i + 1]) > now then
      carried[#carried + 1] = {old[i], old[i + 1]}
    end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local key = ARGV[6] .. id
  if id == ARGV[7] then
    redis.call('ZREM', KEYS[2], id)
  else
    local s = redis.call('HMGET', key, 'state', 'idle_expires_at')
    if not s[2] or s[1] or tonumber(s[2]) <= now then
      redis.call('ZREM', KEYS[2], id)
    else
      live[#live + 1] = id
    end
  end
end
if ARGV[3] == 'refuse' and #live > 0 then
  return refuse('refused')
end
local out = {'ok'}
local ending = 0
if ARGV[3] == 'replace' then
  ending = #live
elseif ARGV[3] == 'allow' then
  -- the oldest first: the index orders by absolute expiry, which a session's fixed lifetime puts in the
  -- order of the logins (those of one second in any order)
  ending = #live + 1 - tonumber(ARGV[10])
end
for i = 1, ending do
  redis.call('DEL', ARGV[6] .. live[i])
  redis.call('HSET', ARGV[6] .. live[i], 'state', 'replaced', 'at', ARGV[1])
  redis.call('EXPIRE', ARGV[6] .. live[i], tonumber(ARGV[11]))
  redis.call('ZREM', KEYS[2], live[i])
  out[#out + 1] = live[i]
end
if ARGV[3] == 'rotate' then
  -- retired: its token is told, on every request while the tombstone lasts, that the step-up replaced it
  redis.call('DEL', ARGV[6] .. ARGV[7])
  redis.call('HSET', ARGV[6] .. ARGV[7], 'state', 'rotated', 'at', ARGV[1])
  redis.call('EXPIRE', ARGV[6] .. ARGV[7], tonumber(ARGV[11]))
end
redis.call('HSET', KEYS[3], unpack(ARGV, 16))
for _, field in ipairs(carried) do
  redis.call('HSETNX', KEYS[3], field[1], field[2])
end
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[8]))
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
if KEYS[4] then
  redis.call('HSET', KEYS[4], 'state', 'authenticated', 'settled_at', ARGV[1])
  if ARGV[12] ~= '' and txn_device then
    strikes_cleared(KEYS[5], txn_device, tonumber(ARGV[14]))
  end
end
return out
