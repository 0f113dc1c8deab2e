-- Set the clock to "system time + ARGV[1]" and tell every worker, in one step: a worker that reads the clock
-- once and keeps it learns of the change from the channel (the caller's next command makes sure it was
-- written: store/clock.py). A running clock keeps running with that offset; a frozen one (value
-- 'frozen:<now>') stays frozen, at that instant; ARGV[4] 'run' sets a running clock either way (a reset),
-- 'freeze' a frozen one at that instant either way (a saved world's frozen clock, imported).
-- KEYS[1] the clock   ARGV[1] the new offset (s)   ARGV[2] the channel   ARGV[3] system time (s)
-- ARGV[4] 'keep' | 'run' | 'freeze'
-- Returns {value written, value before}: a reset tells what it undid (a thaw too, or not) from the same step.
local before = redis.call('GET', KEYS[1]) or '0'
local value = ARGV[1]
if ARGV[4] == 'freeze' or (ARGV[4] == 'keep' and string.match(before, '^frozen:')) then
  value = 'frozen:' .. string.format('%d', tonumber(ARGV[3]) + tonumber(ARGV[1]))
end
redis.call('SET', KEYS[1], value)
redis.call('PUBLISH', ARGV[2], value)
return {value, before}
