-- Delete a user's own keys (all on the user's slot) in one step, answering the devices the user's set held
-- as it went: a device joining while a deletion works (a card shared, a device enrolled, after the deletion
-- read the user's devices) is either in that answer, for the deletion to take the user off it, or refused
-- by user_add_device.lua, which finds no user: never a device naming a user that is gone.
-- KEYS[1] user hash   KEYS[2] the user's device set   KEYS[3..] the user's other keys
-- Returns the ids the device set held.
local held = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', unpack(KEYS))
return held
