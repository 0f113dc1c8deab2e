-- Check the code texted for a password recovery and move the recovery past it, in one step: a code is good
-- once, racing guesses are each counted, and the last wrong one ends the recovery. The code is compared as an
-- HMAC digest (the pepper is not in Redis) bound to the recovery; a decoy (a name no user has, or a user
-- without a phone) has no digest, so every code is wrong there, counted the same.
-- KEYS[1] the recovery   ARGV[1] now   ARGV[2] digest of the code typed   ARGV[3] wrong codes allowed
-- Returns {status, attempts_left}: missing | expired | used | wrong | ok
-- include: wrong_try
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
  return wrong_try(KEYS[1], tonumber(ARGV[3]))
end
redis.call('HSET', KEYS[1], 'stage', 'factor', 'digest', '')
return {'ok', 0}
