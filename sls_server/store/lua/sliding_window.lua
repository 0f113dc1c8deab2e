-- A sliding-window limiter that reserves before the work is done (the attempt counts until it is refunded).
-- KEYS[1] zset of attempts   ARGV[1] now   ARGV[2] window (s)   ARGV[3] limit   ARGV[4] attempt id
-- Returns 0 when reserved, or the seconds until the oldest attempt leaves the window: waiting exactly that
-- long gets the next attempt in. Attempts stamped more than 30 s after now (STAMP_SKEW_S in
-- records/lockout.py: nearer, they are racing requests', and count) are from a future the clock was moved
-- back from: dropped, since kept they would make a wait longer than the window (by the distance moved back).
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. (now + 30), '+inf')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(tonumber(oldest[2]) + window - now, 1)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], window + 60)
return 0
