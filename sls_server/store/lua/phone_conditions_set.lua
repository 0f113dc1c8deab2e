-- Set a number's conditions, replacing the ones before, in one step; a number nobody has (KEYS[2] empty: one
-- typed at random over /sim/v1) keeps them ARGV[1] seconds of real time, else every number ever typed kept
-- its conditions for good. An owned one's have no expiry (phone_own.lua).
-- KEYS[1] the conditions (hash)   KEYS[2] the number's owners (set)
-- ARGV[1] seconds to keep a number nobody has   ARGV[2..] field, value pairs (none: the normal network)
redis.call('DEL', KEYS[1])
if #ARGV > 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  if redis.call('EXISTS', KEYS[2]) == 0 then
    redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
  end
end
return 1
