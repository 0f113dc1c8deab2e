-- A right response clears the authenticator's count of consecutive wrong ones, unless a wrong one has
-- disabled it meanwhile: the caller judged the device as it read it, and a reset that also cleared the lock
-- would enable a disabled card with no administrator and hand whoever was guessing a fresh set of tries.
-- KEYS[1] device hash
-- Returns 1 when the count was cleared, 0 when the device is disabled or gone.
local locked = redis.call('HMGET', KEYS[1], 'factor_locked', 'type')
if not locked[2] or locked[1] == '1' then
  return 0
end
redis.call('HSET', KEYS[1], 'factor_failures', 0)
return 1
