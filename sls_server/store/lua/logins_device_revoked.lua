-- Tell every login (and step-up) of one user in progress on a device just revoked or replaced that its device
-- is gone, in one step on the user's slot: a verify that read the device before it went creates its session
-- after this (session_create.lua, on this slot), finds the mark and gets no session. A pending step is
-- marked ('device_gone': the device it was on), not ended: it may still switch to another of the user's
-- factors, which moves it off the mark. An approved push not yet collected by the login's poll has nothing
-- left to switch: it ends ('device_revoked').
-- KEYS[1] the user's logins index (zset of ids)   ARGV[1] key prefix of the user's logins   ARGV[2] the device
-- ARGV[3] now (the app clock)
-- Returns how many were marked or ended.
local found = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  local txn = redis.call('HMGET', key, 'state', 'device_id')
  if txn[2] == ARGV[2] then
    if txn[1] == 'second_factor' then
      redis.call('HSET', key, 'device_gone', ARGV[2])
      found = found + 1
    elseif txn[1] == 'approved' then
      redis.call('HSET', key, 'state', 'device_revoked', 'settled_at', ARGV[3])
      found = found + 1
    end
  end
end
return found
