-- Move the clock offset by ARGV[2] seconds only if the resulting "now" stays within [ARGV[3], ARGV[4]].
-- KEYS[1] offset   ARGV[1] system time (s)   ARGV[2] seconds   ARGV[3] lowest now   ARGV[4] highest now
-- ARGV[5] the channel every worker's cached offset listens on (the caller then makes sure it was written)
-- Returns {1, new offset} when moved, or {0, current offset} when refused (nothing written): one script,
-- so two racing moves cannot together push the clock past a bound that each alone respects.
local offset = tonumber(redis.call('GET', KEYS[1]) or '0')
local moved = offset + tonumber(ARGV[2])
local now = tonumber(ARGV[1]) + moved
if now < tonumber(ARGV[3]) or now > tonumber(ARGV[4]) then
  return {0, offset}
end
redis.call('SET', KEYS[1], moved)
redis.call('PUBLISH', ARGV[5], moved)
return {1, moved}
