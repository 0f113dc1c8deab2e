-- Check a session against the app clock and its user, and count the request as activity, in one step, so an
-- expired session, or one whose user was disabled or deleted, is dead for every worker at once. Expiry
-- instants live in the hash; the Redis TTL only reclaims memory.
-- KEYS[1] session hash   KEYS[2] user hash   KEYS[3] the user's session index   KEYS[4] the user's IP rules
-- ARGV[1] now   ARGV[2] idle timeout (s)   ARGV[4] session id   ARGV[5] seconds of real time a tombstone is kept
-- ARGV[3] 'extend' (the idle expiry, a request's activity) | 'check' (only) | 'end' (a logout: ended in the
-- same step, with the markers its step-ups left (lib/drop_retired.lua), and the record returned as it was)
-- A session that ended for a reason its holder did not choose is left a tombstone: the hash with only 'state' (why:
-- 'expired_idle', 'expired_absolute', 'replaced', 'revoked', 'killed', ...) and 'at' (when it ended, on the app
-- clock: an expiry's own instant, however long after it the session was found), kept ARGV[5] s of real time (a
-- frozen clock keeps it), so every later request with the token is told the same.
-- Returns {'ok', {session field, value, ...}, {IP rules field, value, ...}} | {'missing'}
--       | {'expired_absolute' | 'expired_idle' | 'revoked', username, at}: ended by this step (its event is to
--         record)
--       | {'ended', state, at}: a tombstone, ended before (its event recorded then)
-- include: user_stands
-- include: drop_retired
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then
  return {'missing'}
end
local s = {}
local steps_up = false
for i = 1, #fields, 2 do
  local k = fields[i]
  s[k] = fields[i + 1]
  if string.sub(k, 1, 9) == 'verified:' then
    steps_up = true
  end
end
if s['state'] then
  return {'ended', s['state'], s['at'] or ''}
end
local function finish(status, at)
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'state', status, 'at', at)
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
  redis.call('ZREM', KEYS[3], ARGV[4])
  return {status, s['username'], at}
end
if not user_stands(KEYS[2], s['epoch']) then
  return finish('revoked', ARGV[1])
end
local now = tonumber(ARGV[1])
-- the idle expiry never passes the lifetime's ('extend' caps it); found past both (a clock moved far), the
-- session ended at the first: by inactivity if that came before its lifetime was over
local idle_ends = tonumber(s['idle_expires_at'])
if now >= idle_ends and idle_ends < tonumber(s['expires_at']) then
  return finish('expired_idle', s['idle_expires_at'])
end
if now >= tonumber(s['expires_at']) then
  return finish('expired_absolute', s['expires_at'])
end
-- the record as read is the answer (HGETALL's own list) unless a field changes below
local changed = false
-- step-ups no longer fresh are forgotten, so one found stale stays so if the clock is moved back
if steps_up then
  for k, v in pairs(s) do
    if string.sub(k, 1, 9) == 'verified:' and tonumber(v) <= now then
      redis.call('HDEL', KEYS[1], k)
      s[k] = nil
      changed = true
    end
  end
end
if ARGV[3] == 'end' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[3], ARGV[4])
  drop_retired(KEYS[1], ARGV[4], s['retired'])
elseif ARGV[3] == 'extend' then
  local idle = tostring(math.min(now + tonumber(ARGV[2]), tonumber(s['expires_at'])))
  local seen = tostring(now)
  -- requests in the same second as the last change nothing: no write (each redis.call costs Redis some
  -- microseconds of conversion beyond its command)
  if s['idle_expires_at'] ~= idle or s['last_seen_at'] ~= seen then
    redis.call('HSET', KEYS[1], 'idle_expires_at', idle, 'last_seen_at', seen)
    s['idle_expires_at'] = idle
    s['last_seen_at'] = seen
    changed = true
  end
end
local out = fields
if changed then
  out = {}
  for k, v in pairs(s) do
    out[#out + 1] = k
    out[#out + 1] = v
  end
end
return {'ok', out, redis.call('HGETALL', KEYS[4])}
