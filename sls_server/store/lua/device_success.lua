-- A right response clears the authenticator's count of consecutive wrong ones, unless a wrong one has
-- disabled it meanwhile: the caller judged the device as it read it, and a reset that also cleared the lock
-- would enable a disabled card with no administrator and hand whoever was guessing a fresh set of tries.
-- KEYS[1] device hash
-- Returns the count cleared (as many of the user's strikes go: lib/device_strikes.lua), -1 when the device
-- is disabled (a wrong response disabled it since it was read), -2 when it is gone.
local locked = redis.call('HMGET', KEYS[1], 'factor_locked', 'type', 'factor_failures')
if not locked[2] then
  return -2
end
if locked[1] == '1' then
  return -1
end
redis.call('HSET', KEYS[1], 'factor_failures', 0)
return tonumber(locked[3]) or 0
