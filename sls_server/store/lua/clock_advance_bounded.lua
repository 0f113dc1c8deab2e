-- Move the clock by ARGV[2] seconds only if the resulting "now" stays within [ARGV[3], ARGV[4]].
-- KEYS[1] the clock: an offset ('120'), or 'frozen:<now>' for a clock that stands still until moved
-- ARGV[1] system time (s)   ARGV[2] seconds   ARGV[3] lowest now   ARGV[4] highest now
-- ARGV[5] the channel every worker's cached clock listens on (the caller then makes sure it was written)
-- Returns {1, value written} when moved, or {0, current value} when refused (nothing written): one script,
-- so two racing moves cannot together push the clock past a bound that each alone respects.
local raw = redis.call('GET', KEYS[1]) or '0'
local frozen = string.match(raw, '^frozen:(-?%d+)$')
local now, value
if frozen then
  now = tonumber(frozen) + tonumber(ARGV[2])
  value = 'frozen:' .. string.format('%d', now)
else
  local moved = tonumber(raw) + tonumber(ARGV[2])
  now = tonumber(ARGV[1]) + moved
  value = string.format('%d', moved)
end
if now < tonumber(ARGV[3]) or now > tonumber(ARGV[4]) then
  return {0, raw}
end
redis.call('SET', KEYS[1], value)
redis.call('PUBLISH', ARGV[5], value)
return {1, value}
