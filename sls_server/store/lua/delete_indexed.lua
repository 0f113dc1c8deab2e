-- Delete every record an index names, and the index: a user's logins when the user is deleted.
-- KEYS[1] the index (zset or set of ids)   ARGV[1] the key prefix the ids complete
-- Returns how many records were deleted.
local ids
if redis.call('TYPE', KEYS[1]).ok == 'zset' then
  ids = redis.call('ZRANGE', KEYS[1], 0, -1)
else
  ids = redis.call('SMEMBERS', KEYS[1])
end
local deleted = 0
for _, id in ipairs(ids) do
  deleted = deleted + redis.call('DEL', ARGV[1] .. id)
end
redis.call('DEL', KEYS[1])
return deleted
