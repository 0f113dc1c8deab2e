-- Count one more consecutive wrong response against an authenticator, and never one past its limit:
-- responses racing on one device each read it enabled, so the limit is judged here, in the step that counts.
-- Only a user the device serves as it is counted counts on it: a wrong response settled while its user held a
-- shared card and counted after they were taken off it would disable the card under a right answer of its one
-- user left, whose settling step judges that user's strikes only (lib/device_strikes.lua).
-- KEYS[1] device hash   ARGV[1] limit   ARGV[2] the user who gave the response
-- Returns {failures, outcome}: outcome is 'counted' (still enabled), 'disabled' (this failure disabled it:
-- it reached the limit, or the device stood at it already, under a limit lowered since), 'locked' (it was
-- disabled already: nothing counted, the response is refused as any after the lock) or 'missing' (the
-- device is gone, or serves the user no more: nothing counted).
local state = redis.call('HMGET', KEYS[1], 'type', 'factor_failures', 'factor_locked', 'owner', 'shared_with')
if not state[1] then
  return {0, 'missing'}
end
local failures = tonumber(state[2]) or 0
if state[4] ~= ARGV[2] and not string.find(',' .. (state[5] or '') .. ',', ',' .. ARGV[2] .. ',', 1, true) then
  return {failures, 'missing'}
end
if state[3] == '1' then
  return {failures, 'locked'}
end
local limit = tonumber(ARGV[1])
if failures < limit then
  failures = redis.call('HINCRBY', KEYS[1], 'factor_failures', 1)
end
if failures >= limit then
  redis.call('HSET', KEYS[1], 'factor_locked', 1)
  return {failures, 'disabled'}
end
return {failures, 'counted'}
