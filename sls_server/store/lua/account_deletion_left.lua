-- What an account's deletion has left to do (account_delete.lua's mark), in one step on its slot. A member
-- set with neither a record nor a mark is what a server before the mark left of a deletion cut short (its
-- first step deleted the record alone, the set kept as what was left to undo): it becomes the mark here
-- (when: now, the deletion's own instant unknown), so that deletion is finished like any other.
-- Its incarnation unknown too, the mark has none: its finisher releases any link naming the id, as that
-- server did (its links named no incarnation either).
-- KEYS[1] account hash   KEYS[2] its member set   KEYS[3] the deletion's mark
-- ARGV[1] now (the app clock)   ARGV[2] an id for the deletion, should it be made one here
-- Returns the mark's field, value pairs, or an empty list when no deletion of the id is unfinished.
local left = redis.call('HGETALL', KEYS[3])
if #left > 0 or redis.call('EXISTS', KEYS[1]) == 1 then
  return left
end
local members = redis.call('SMEMBERS', KEYS[2])
if #members == 0 then
  return left
end
table.sort(members)
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[3], 'at', ARGV[1], 'users', table.concat(members, ','), 'id', ARGV[2])
return redis.call('HGETALL', KEYS[3])
