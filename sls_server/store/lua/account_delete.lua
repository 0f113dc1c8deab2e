-- Delete a multi-user account's record and member set in one step on its slot, leaving in their place what
-- the deletion has left to do (KEYS[3], no expiry): its members, whose links to it (under their own tags, in
-- other slots) the caller then releases one by one, and when. A deletion cut short after this step is
-- finished from that mark (a DELETE sent again, a create of the id: create_hash.lua refuses the id while it
-- is there, a state import bringing the id back), and deletion_end.lua takes it when all is done.
-- KEYS[1] account hash   KEYS[2] its member set   KEYS[3] the deletion's mark
-- ARGV[1] now (the app clock)   ARGV[2] the deletion's id (random: its event's place, deletion_end.lua's check)
-- ARGV[3] '1' for a refused state import's taking back (its event says so, whoever finishes it), else ''
-- The mark keeps the record's incarnation (which making of the id): its finisher releases only links to it.
-- Returns its members (the request that deleted it answers with them, even when another request finishes the
-- deletion before it does), or false (nothing done) when there is no such account: another deletion got
-- there first, or none.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local members = redis.call('SMEMBERS', KEYS[2])
table.sort(members)
local incarnation = redis.call('HGET', KEYS[1], 'incarnation') or ''
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[3], 'at', ARGV[1], 'users', table.concat(members, ','), 'id', ARGV[2],
  'incarnation', incarnation)
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[3], 'import_taken_back', '1')
end
return members
