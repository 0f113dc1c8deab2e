-- Check the code texted to a new phone number and spend it in one step, so a code is good once, racing
-- guesses are each counted, and the last wrong one kills it. The code is compared as an HMAC digest (the
-- pepper is not in Redis) that also binds it to the session and the number it was sent for.
-- A new code does not reset the count (NIST SP 800-63B-4 3.1.3.2): the wrong codes typed at the user's new
-- numbers, whichever code, are counted in KEYS[2] too, over a window on the app clock; at ARGV[6] of them no
-- code is judged until the window has passed ('limited', with the seconds left), and a right code forgets them.
-- KEYS[1] the user's pending change   KEYS[2] the user's wrong codes (hash: count, since)   ARGV[1] now
-- ARGV[2] session id   ARGV[3] number   ARGV[4] digest of the code typed   ARGV[5] wrong codes allowed a code
-- ARGV[6] wrong codes allowed a window   ARGV[7] the window (s)
-- Returns {status, attempts_left or seconds}: missing | other_number | expired | limited | wrong | ok
-- include: wrong_try
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
local now, window = tonumber(ARGV[1]), tonumber(ARGV[7])
local tries = redis.call('HMGET', KEYS[2], 'count', 'since')
local count, since = tonumber(tries[1] or '0'), tonumber(tries[2] or '0')
if count > 0 and (now >= since + window or now < since) then  -- the window passed (or the clock went back)
  count = 0
  redis.call('DEL', KEYS[2])
end
if count >= tonumber(ARGV[6]) then
  return {'limited', since + window - now}
end
if pending[3] ~= ARGV[4] then
  if count == 0 then
    redis.call('HSET', KEYS[2], 'count', 1, 'since', now)
  else
    redis.call('HINCRBY', KEYS[2], 'count', 1)
  end
  redis.call('EXPIRE', KEYS[2], window + 3600)  -- memory only: the window is the app clock's
  return wrong_try(KEYS[1], tonumber(ARGV[5]))
end
redis.call('DEL', KEYS[1], KEYS[2])
return {'ok', 0}
