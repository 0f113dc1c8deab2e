-- Compare-and-set one field of a hash that must exist, an absent field expected as '': a claim passing from a
-- holder found stale to a new one (a user's phone device) has one winner among racing claims, and a hash
-- deleted meanwhile (the user) is not made again by the write.
-- KEYS[1] hash   ARGV[1] field   ARGV[2] expected value ('': absent)   ARGV[3] new value
-- Returns 1 when written, 0 when the hash is gone or the field holds something else.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
