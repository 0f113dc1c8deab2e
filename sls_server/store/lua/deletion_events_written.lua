-- A deletion's events are all in the trail (each once: events_append.lua's places): say so in its mark
-- (a user's: user_delete.lua's; an account's: account_delete.lua's), before their places are given the
-- trail's retention and the mark is released. A request finishing the deletion after a worker was killed
-- past this point writes none of them again, however long after: the places, which an append checks, may
-- have expired by then, and the mark has not.
-- KEYS[1] the deletion's mark
-- ARGV[1] the deletion's id ('' for a mark from a server before the ids)
-- Returns 1 when noted, 0 when the mark is gone or another deletion's (nothing written).
local held = redis.call('HGET', KEYS[1], 'at')
if not held or (redis.call('HGET', KEYS[1], 'id') or '') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'events', '1')
return 1
