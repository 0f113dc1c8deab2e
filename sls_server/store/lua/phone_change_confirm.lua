-- Check the code texted to a new phone number and spend it in one step, so a code is good once, racing
-- guesses are each counted, and the last wrong one kills it. The code is compared as an HMAC digest (the
-- pepper is not in Redis) that also binds it to the session and the number it was sent for.
-- KEYS[1] the user's pending change   ARGV[1] now   ARGV[2] session id   ARGV[3] number
-- ARGV[4] digest of the code typed   ARGV[5] wrong codes allowed
-- Returns {status, attempts_left}: missing | other_number | expired | wrong | ok
local pending = redis.call('HMGET', KEYS[1], 'session_id', 'phone', 'digest', 'expires_at')
if not pending[1] or pending[1] ~= ARGV[2] then
  return {'missing', 0}  -- none, or another session's: the same answer, no oracle
end
if pending[2] ~= ARGV[3] then
  return {'other_number', 0}
end
if tonumber(ARGV[1]) >= tonumber(pending[4]) then
  -- spent: moving the clock back must not revive a code refused as expired
  redis.call('DEL', KEYS[1])
  return {'expired', 0}
end
if pending[3] ~= ARGV[4] then
  local left = tonumber(ARGV[5]) - redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if left <= 0 then
    redis.call('DEL', KEYS[1])
    left = 0
  end
  return {'wrong', left}
end
redis.call('DEL', KEYS[1])
return {'ok', 0}
