-- Set the clock offset and tell every worker, in one step: a worker that reads the offset once and keeps it
-- learns of the change from the channel (the caller's next command makes sure it was written: store/clock.py).
-- KEYS[1] offset   ARGV[1] the new offset (s)   ARGV[2] the channel
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[1])
return tonumber(ARGV[1])
