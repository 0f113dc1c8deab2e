-- End one session at once: the record and its index entry together.
-- KEYS[1] session hash   KEYS[2] the user's session index   ARGV[1] session id
-- ARGV[2] '' (its holder ended it, a logout: deleted, with the markers its step-ups left, lib/drop_retired.lua)
-- | why it was ended for its holder ('killed', 'ended_by_user', ...): the hash becomes a tombstone of only
-- 'state' (that word) and 'at' (ARGV[3], now on the app clock), kept ARGV[4] s of real time, so every later
-- request with the token is told why (session_touch.lua)
-- Returns the owner's username, or false if there was no live session: none at all, or a tombstone (a newer
-- login, an expiry, the account's disabling or another ending came first, with its own event).
-- include: drop_retired
local session = redis.call('HMGET', KEYS[1], 'username', 'state', 'retired')
redis.call('ZREM', KEYS[2], ARGV[1])
if not session[1] or session[2] then
  return false
end
redis.call('DEL', KEYS[1])
if ARGV[2] == '' then
  drop_retired(KEYS[1], ARGV[1], session[3])  -- gone for good: the markers its step-ups left go too
else
  redis.call('HSET', KEYS[1], 'state', ARGV[2], 'at', ARGV[3])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
end
return session[1]
