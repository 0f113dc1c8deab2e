-- The last step of a deletion (a user's: user_delete.lua's mark; an account's: account_delete.lua's):
-- release its mark, once its work and its events are done (each event written once: events_append.lua's
-- places). Released only while it is this deletion's (its id, ARGV[1]; '' for a mark from a server before
-- the ids): a request that stalled while another finished the deletion, the name or id was made again and
-- deleted again, must not release the new deletion's mark.
-- KEYS[1] the deletion's mark
-- ARGV[1] the deletion's id
-- Returns 1 when this released it, 0 when it was released already (or is another deletion's).
local held = redis.call('HGET', KEYS[1], 'at')
if not held or (redis.call('HGET', KEYS[1], 'id') or '') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
