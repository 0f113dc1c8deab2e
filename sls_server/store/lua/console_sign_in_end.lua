-- End one sign-in to the trainer console or the simulator pages (a sign-out): the record and its index entry.
-- KEYS[1] the sign-in's hash   KEYS[2] the index of sign-ins   ARGV[1] digest
-- Returns the sign-in's door, or false if there was none.
local door = redis.call('HGET', KEYS[1], 'door')
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return door
