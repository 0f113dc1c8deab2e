-- End every login (and step-up) of one user still in progress on a device that was just revoked or replaced,
-- in one step on the user's slot: a verify that read the device before it went creates its session after
-- this (session_create.lua settles the login there), finds the login ended and gets no session. Pending
-- steps end, and so do approved pushes not yet collected by the login's poll.
-- KEYS[1] the user's logins index (zset of ids)   ARGV[1] key prefix of the user's logins   ARGV[2] the device
-- ARGV[3] now (the app clock)
-- Returns how many were ended.
local ended = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  local txn = redis.call('HMGET', key, 'state', 'device_id')
  if txn[2] == ARGV[2] and (txn[1] == 'second_factor' or txn[1] == 'approved') then
    redis.call('HSET', key, 'state', 'device_revoked', 'settled_at', ARGV[3])
    ended = ended + 1
  end
end
return ended
