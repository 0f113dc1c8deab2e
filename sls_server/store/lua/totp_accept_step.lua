-- Accept a TOTP time step at most once per device, and never one older than the last accepted: the check
-- and the write are one step, so two logins racing with the same code cannot both pass (replay).
-- KEYS[1] device hash   ARGV[1] candidate step (integer)
-- Returns 1 if the step was accepted (and recorded as last_step), 0 otherwise.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0  -- a deleted device accepts nothing, and must not come back as a stub
end
local candidate = tonumber(ARGV[1])
if not candidate then
  return redis.error_reply('candidate step is not a number')
end
local last = tonumber(redis.call('HGET', KEYS[1], 'last_step'))
if last and last >= candidate then
  return 0
end
redis.call('HSET', KEYS[1], 'last_step', ARGV[1])
return 1
