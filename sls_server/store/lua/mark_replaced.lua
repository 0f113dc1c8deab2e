-- End a session by leaving a tombstone its holder will read once (401 session_replaced).
-- KEYS[1] session hash. Returns 1 if the session was live.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'replaced')
return 1
