-- Reserve one password attempt BEFORE the password is verified, so racing requests can never make more
-- than `threshold` consecutive failures: settled failures plus attempts in flight must stay under it.
-- KEYS[1] lock hash of the bucket   KEYS[2] in-flight zset of the bucket   KEYS[3] the user hash
-- ARGV[1] now   ARGV[2] threshold   ARGV[3] attempt id   ARGV[4] seconds a reservation lives (crashed worker)
-- Returns {'ok', 0, failed} | {'disabled', 0, failed} | {'permanent'} | {'locked', until} | {'busy'}: 'failed',
-- the wrong passwords since the bucket's last login (lockout_settle.lua), for the login's notice if it succeeds.
-- A disabled user is judged as any name is (locked, busy, or reserved), and only then said to be disabled,
-- with the attempt reserved: the caller settles it like any other, so wrong passwords at a disabled account
-- lock it as they lock any name (else its never-ending 401s would tell it from a made-up name, and let a
-- guesser try its password without limit until it is enabled again).
-- The bucket is read once (HMGET): each redis.call costs Redis some microseconds of conversion beyond its
-- command, and nothing else runs between the reads of one script.
local lock = redis.call('HMGET', KEYS[1], 'permanent', 'locked_until', 'locked_at', 'failures', 'failed')
if lock[1] == '1' then
  return {'permanent'}
end
local now = tonumber(ARGV[1])
local locked_until = tonumber(lock[2] or '0')
local locked_at = tonumber(lock[3] or '0')
-- A lock placed up to 30 s after now (STAMP_SKEW_S in records/lockout.py) is another request's, racing
-- this one across a second or slower to get here: it holds. Clearing it would hand this attempt, and the
-- ones after it, a fresh count (the failures were reset when it was placed).
if locked_until > now and locked_at <= now + 30 then
  return {'locked', locked_until}
end
if locked_until > 0 then
  -- ended (it stays so if the clock is moved back into it), or placed more than 30 s after now (the clock
  -- was moved back: not in force on the clock now, and kept it would last longer than its own wait)
  redis.call('HDEL', KEYS[1], 'locked_until', 'locked_at')
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local failures = tonumber(lock[4] or '0')
local failed = tonumber(lock[5] or '0')
if failures + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  return {'busy'}
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]) + 60)
if redis.call('HGET', KEYS[3], 'disabled') == '1' then
  return {'disabled', 0, failed}
end
return {'ok', 0, failed}
