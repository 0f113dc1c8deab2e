-- Freeze the clock where it stands (ARGV[1] '1': 'frozen:<now>', which only a move changes) or let it run
-- on from where it stands (ARGV[1] '0': the offset that keeps "now" continuous), and tell every worker.
-- Where it stands is "now" as every reader sees it: held within [ARGV[4], ARGV[5]] (a running clock set near
-- the end of the range runs up to it and stands there), so the clock freezes at the instant last read.
-- KEYS[1] the clock   ARGV[1] '1' | '0'   ARGV[2] system time (s)   ARGV[3] the channel
-- ARGV[4] lowest now   ARGV[5] highest now
-- Returns {1, value written}, or {0, current value} when it already was so (nothing written or sent).
local raw = redis.call('GET', KEYS[1]) or '0'
local frozen = string.match(raw, '^frozen:(-?%d+)$')
local value
if ARGV[1] == '1' then
  if frozen then return {0, raw} end
  local now = tonumber(ARGV[2]) + tonumber(raw)
  now = math.max(tonumber(ARGV[4]), math.min(tonumber(ARGV[5]), now))
  value = 'frozen:' .. string.format('%d', now)
else
  if not frozen then return {0, raw} end
  value = string.format('%d', tonumber(frozen) - tonumber(ARGV[2]))
end
redis.call('SET', KEYS[1], value)
redis.call('PUBLISH', ARGV[3], value)
return {1, value}
