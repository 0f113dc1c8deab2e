-- Record that a pending step was found past its expiry, so the refusal it was given stands: moving the clock
-- back afterwards must not bring a login its client was told had expired back to life.
-- KEYS[1] login hash   ARGV[1] now
-- Returns 1 when it was marked expired now, else 0 (settled already, gone, or not yet expired at `now`).
local txn = redis.call('HMGET', KEYS[1], 'state', 'expires_at', 'dies_at')
if txn[1] ~= 'second_factor' then
  return 0
end
local now = tonumber(ARGV[1])
if now < tonumber(txn[2]) and now < tonumber(txn[3] or txn[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'expired')
return 1
