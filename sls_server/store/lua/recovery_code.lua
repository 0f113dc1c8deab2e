-- Check the code texted for a password recovery and move the recovery past it, in one step: a code is good
-- once, racing guesses are each counted, and the last wrong one ends the recovery. The code is compared as an
-- HMAC digest (the pepper is not in Redis) bound to the recovery; a decoy (a name no user has, or a user
-- without a phone) has no digest, so every code is wrong there, counted the same.
-- KEYS[1] the recovery   ARGV[1] now   ARGV[2] digest of the code typed   ARGV[3] wrong codes allowed
-- Returns {status, attempts_left}: missing | expired | used | wrong | ok
local r = redis.call('HMGET', KEYS[1], 'stage', 'digest', 'expires_at')
if not r[1] then
  return {'missing', 0}
end
if tonumber(ARGV[1]) >= tonumber(r[3]) then
  redis.call('DEL', KEYS[1])  -- moving the clock back must not revive it
  return {'expired', 0}
end
if r[1] ~= 'code' then
  return {'used', 0}
end
if (r[2] or '') == '' or r[2] ~= ARGV[2] then
  local left = tonumber(ARGV[3]) - redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if left <= 0 then
    redis.call('DEL', KEYS[1])
    left = 0
  end
  return {'wrong', left}
end
redis.call('HSET', KEYS[1], 'stage', 'factor', 'digest', '')
return {'ok', 0}
