-- Hand out an approved login's session exactly once: the first poll after approval wins; a login whose user
-- was disabled or deleted since it began is dead instead, and so is one its client left uncollected past
-- its expiry and the grace a poll needs (an approval in the login's last second is still taken).
-- KEYS[1] login hash   KEYS[2] user hash   ARGV[1] now   ARGV[2] seconds of grace after expires_at
-- Returns 'ok' for the one caller that moves 'approved' to 'authenticated', 'revoked', 'expired', or 'no'.
local txn = redis.call('HMGET', KEYS[1], 'state', 'epoch', 'expires_at')
if txn[1] ~= 'approved' then
  return 'no'
end
local now = tonumber(ARGV[1])
if now >= (tonumber(txn[3]) or 0) + tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'state', 'expired', 'settled_at', ARGV[1])
  return 'expired'
end
local user = redis.call('HMGET', KEYS[2], 'username', 'disabled', 'epoch')
if not user[1] or user[2] == '1' or (user[3] or '') ~= (txn[2] or '') then
  redis.call('HSET', KEYS[1], 'state', 'revoked', 'settled_at', ARGV[1])
  return 'revoked'
end
redis.call('HSET', KEYS[1], 'state', 'authenticated', 'collected_at', ARGV[1])
return 'ok'
