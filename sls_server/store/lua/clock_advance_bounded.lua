-- Move the clock by ARGV[2] seconds only if the resulting "now" stays within [ARGV[3], ARGV[4]].
-- KEYS[1] the clock: an offset ('120'), or 'frozen:<now>' for a clock that stands still until moved
-- ARGV[1] system time (s)   ARGV[2] seconds   ARGV[3] lowest now   ARGV[4] highest now
-- ARGV[5] the channel every worker's cached clock listens on (the caller then makes sure it was written)
-- The move starts from "now" as readers see it, held within the bounds: a running clock that ran past the
-- highest now (set near it, then left running) stands there for every reader, and a move goes from there
-- (so 0 or a step back is accepted, not refused for where the raw offset had drifted).
-- Returns {1, value written} when moved, or {0, current value} when refused (nothing written): one script,
-- so two racing moves cannot together push the clock past a bound that each alone respects.
local raw = redis.call('GET', KEYS[1]) or '0'
local frozen = string.match(raw, '^frozen:(-?%d+)$')
local lo, hi = tonumber(ARGV[3]), tonumber(ARGV[4])
local start
if frozen then
  start = tonumber(frozen)
else
  start = tonumber(ARGV[1]) + tonumber(raw)
end
local now = math.max(lo, math.min(hi, start)) + tonumber(ARGV[2])
if now < lo or now > hi then
  return {0, raw}
end
local value
if frozen then
  value = 'frozen:' .. string.format('%d', now)
else
  value = string.format('%d', now - tonumber(ARGV[1]))
end
redis.call('SET', KEYS[1], value)
redis.call('PUBLISH', ARGV[5], value)
return {1, value}
