-- End one session at once: the record and its index entry together.
-- KEYS[1] session hash   KEYS[2] the user's session index   ARGV[1] session id
-- Returns the owner's username, or false if there was no live session: none at all, or a tombstone (state
-- 'replaced' or 'revoked': a newer login or the account's disabling ended it already, with its own event;
-- kept so its holder learns why, once).
local session = redis.call('HMGET', KEYS[1], 'username', 'state')
redis.call('ZREM', KEYS[2], ARGV[1])
if not session[1] or session[2] == 'replaced' or session[2] == 'revoked' then
  return false
end
redis.call('DEL', KEYS[1])
return session[1]
