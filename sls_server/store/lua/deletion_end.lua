-- The last step of a deletion (a user's: user_delete.lua's mark; an account's: account_delete.lua's): take
-- what it had left to do, once all of it is done but the events. One request takes it: of two finishing the
-- same deletion at once, only the one this answers records the deletion's event.
-- KEYS[1] the deletion's mark
-- Returns its field, value pairs, or an empty list when there is none (finished by another request).
local left = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return left
