-- End one session at once: the record and its index entry together.
-- KEYS[1] session hash   KEYS[2] the user's session index   ARGV[1] session id
-- Returns the owner's username, or false if there was no such session.
local username = redis.call('HGET', KEYS[1], 'username')
redis.call('ZREM', KEYS[2], ARGV[1])
if not username then
  return false
end
redis.call('DEL', KEYS[1])
return username
