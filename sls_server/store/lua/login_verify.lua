-- Settle one answer to a second-factor step atomically, so an answer is accepted once and racing answers
-- cannot both win or both spend the same attempt.
-- KEYS[1] login hash   ARGV[1] now (unix s, the app clock)
-- ARGV[2] 'ok' | 'bad' | 'deny'   ARGV[3] the state an 'ok' moves to ('authenticated' or 'approved')
-- Returns {status, attempts_left}: status is missing | used | dead | expired | ok | bad | denied.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return {'missing', 0}
end
if state == 'authenticated' or state == 'approved' then
  return {'used', 0}
end
if state ~= 'second_factor' then
  return {'dead', 0}
end
local now = tonumber(ARGV[1])
if now >= tonumber(redis.call('HGET', KEYS[1], 'expires_at')) then
  redis.call('HSET', KEYS[1], 'state', 'expired')
  return {'expired', 0}
end
if ARGV[2] == 'ok' then
  redis.call('HSET', KEYS[1], 'state', ARGV[3], 'settled_at', ARGV[1])
  return {'ok', tonumber(redis.call('HGET', KEYS[1], 'attempts_left'))}
end
if ARGV[2] == 'deny' then
  redis.call('HSET', KEYS[1], 'state', 'denied', 'settled_at', ARGV[1])
  return {'denied', 0}
end
local left = redis.call('HINCRBY', KEYS[1], 'attempts_left', -1)
if left <= 0 then
  redis.call('HSET', KEYS[1], 'state', 'failed', 'settled_at', ARGV[1])
end
return {'bad', left}
