-- Settle a reserved attempt: release the reservation and, for a wrong password, count the failure and lock
-- when the threshold is reached. 'failed' counts every wrong password since the last login (a lock resets
-- 'failures', not it): the next login reads it (lockout_reserve.lua) to tell the user (ASVS 6.3.5). Each lock waits longer (increment x locks so far, up to max_wait); after
-- `permanent_after` locks (0 = never) the account stays locked until an admin unlocks it.
-- KEYS[1] lock hash   KEYS[2] in-flight zset
-- ARGV[1] now   ARGV[2] attempt id   ARGV[3] '1' password right | '0' wrong   ARGV[4] threshold
-- ARGV[5] wait increment (s)   ARGV[6] max wait (s)   ARGV[7] permanent after   ARGV[8] reclaim TTL (s)
-- Returns {'ok'} | {'failed', failures} | {'locked', until, lock number} | {'permanent', 0, lock number}
redis.call('ZREM', KEYS[2], ARGV[2])
if ARGV[3] == '1' then
  return {'ok'}
end
local now = tonumber(ARGV[1])
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HINCRBY', KEYS[1], 'failed', 1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[8]))
if failures < tonumber(ARGV[4]) then
  return {'failed', failures}
end
local locks = redis.call('HINCRBY', KEYS[1], 'locks', 1)
redis.call('HSET', KEYS[1], 'failures', 0)
local permanent_after = tonumber(ARGV[7])
if permanent_after > 0 and locks >= permanent_after then
  redis.call('HSET', KEYS[1], 'permanent', 1)
  redis.call('PERSIST', KEYS[1])
  return {'permanent', 0, locks}
end
local locked_until = now + math.min(tonumber(ARGV[5]) * locks, tonumber(ARGV[6]))
redis.call('HSET', KEYS[1], 'locked_until', locked_until, 'locked_at', now)
return {'locked', locked_until, locks}
