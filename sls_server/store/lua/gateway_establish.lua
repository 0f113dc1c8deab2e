-- The gateway's session is now this one (a single-user process: the newest browser login wins), in one step,
-- so two logins racing leave one record, never a mix of both.
-- KEYS[1] the gateway's session hash   KEYS[2] why its last session ended (a new one: no longer news)
-- ARGV[1] seconds until Redis may reclaim it   ARGV[2..] field, value pairs
-- Returns the record the gateway held before (field, value pairs: the caller may have to hand it back), or
-- false.
local previous = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
if #previous == 0 then
  return false
end
return previous
