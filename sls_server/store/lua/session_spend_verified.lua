-- Spend a session's step-up for one task (a withdrawal: one verification, one withdrawal, ASVS 5.0 7.5.3),
-- in one step, so of two tasks racing on one verification exactly one is let through.
-- KEYS[1] session hash   ARGV[1] now   ARGV[2] the verification's field ('verified:<purpose>')
-- Returns 'ok' (it was fresh, and is spent), 'stale' (none fresh: never verified, spent already, or past its
-- deadline, which is forgotten as session_touch.lua forgets it) or 'ended' (the session is gone, or a newer
-- login, a disable or another ending left only its tombstone since the request found it live).
local s = redis.call('HMGET', KEYS[1], 'state', 'idle_expires_at', ARGV[2])
if not s[2] or s[1] then
  return 'ended'
end
if not s[3] then
  return 'stale'
end
redis.call('HDEL', KEYS[1], ARGV[2])
if tonumber(s[3]) <= tonumber(ARGV[1]) then
  return 'stale'
end
return 'ok'
