-- Count one more consecutive wrong response against an authenticator; disable it at the limit.
-- KEYS[1] device hash   ARGV[1] limit
-- Returns {failures, 1 if this failure disabled it}; {0, 0} if the device is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0, 0}
end
local failures = redis.call('HINCRBY', KEYS[1], 'factor_failures', 1)
if failures >= tonumber(ARGV[1]) and redis.call('HGET', KEYS[1], 'factor_locked') ~= '1' then
  redis.call('HSET', KEYS[1], 'factor_locked', 1)
  return {failures, 1}
end
return {failures, 0}
