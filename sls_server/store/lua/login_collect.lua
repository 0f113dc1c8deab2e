-- Hand out an approved login's session exactly once: the first poll after approval wins; a login whose user
-- was disabled or deleted since it began is dead instead, and so is one its client left uncollected past
-- its expiry and the grace a poll needs (an approval in the login's last second is still taken); while the
-- lockout bucket its password was counted in is locked, it is handed to no one and left approved (to be
-- collected once the lock ends, within its life and that grace).
-- KEYS[1] login hash   KEYS[2] user hash   KEYS[3] (optional) the login's lockout bucket
-- ARGV[1] now   ARGV[2] seconds of grace after expires_at
-- Returns {'ok'} for the one caller that moves 'approved' to 'authenticated', {'revoked'}, {'expired'},
-- {'no'}, or {'locked', until} (0: until an admin unlocks it).
-- include: lock_refusal
-- include: user_stands
local txn = redis.call('HMGET', KEYS[1], 'state', 'epoch', 'expires_at')
if txn[1] ~= 'approved' then
  return {'no'}
end
local now = tonumber(ARGV[1])
if now >= (tonumber(txn[3]) or 0) + tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'state', 'expired', 'settled_at', ARGV[1])
  return {'expired'}
end
if not user_stands(KEYS[2], txn[2]) then
  redis.call('HSET', KEYS[1], 'state', 'revoked', 'settled_at', ARGV[1])
  return {'revoked'}
end
if KEYS[3] then
  local refused = lock_refusal(KEYS[3], now)
  if refused then
    return refused
  end
end
redis.call('HSET', KEYS[1], 'state', 'authenticated', 'collected_at', ARGV[1])
return {'ok'}
