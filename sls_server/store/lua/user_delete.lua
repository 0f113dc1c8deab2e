-- Delete a user in one step on their slot: their record and own keys, their lockout state (a user created
-- again under the name starts unlocked) and their logins in progress, leaving in their place what the
-- deletion has left to do (KEYS[3], no expiry): the devices their set held that the caller had not taken
-- them off yet (ARGV[4..]: those it had), and the sessions its revoke ended. A deletion cut short after this
-- step is finished from that mark (a DELETE sent again, a create of the name: user_create.lua refuses the
-- name while it is there), and deletion_end.lua takes it when all is done.
-- A device joining while a deletion works (a card shared, a device enrolled, after the deletion read the
-- user's devices) is either in the set here, so in the mark, for the deletion to take the user off it, or
-- refused by user_add_device.lua, which finds no user: never a device naming a user that is gone.
-- KEYS[1] user hash   KEYS[2] the user's device set   KEYS[3] the deletion's mark   KEYS[4] the user's logins
-- (zset of ids)   KEYS[5..] the user's other keys
-- ARGV[1] key prefix of the user's logins   ARGV[2] now (the app clock)   ARGV[3] the ended sessions' short
-- ids, comma-joined   ARGV[4] the deletion's id (random: its events' places, deletion_end.lua's check)
-- ARGV[5] '1' for a refused state import's taking back (its event says so, whoever finishes it), else ''
-- ARGV[6..] the device ids already dropped
-- Returns 1, or 0 (nothing done) when there is no such user: another deletion got there first.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local dropped = {}
for i = 6, #ARGV do
  dropped[ARGV[i]] = true
end
local left = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not dropped[id] then
    left[#left + 1] = id
  end
end
table.sort(left)
for _, id in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
  redis.call('DEL', ARGV[1] .. id)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], unpack(KEYS, 5))
redis.call('HSET', KEYS[3], 'at', ARGV[2], 'devices', table.concat(left, ','), 'sessions', ARGV[3], 'id', ARGV[4])
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[3], 'import_taken_back', '1')
end
return 1
