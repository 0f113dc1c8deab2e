-- Check a session against the app clock and count the request as activity, in one step, so an expired
-- session is dead for every worker at once. Expiry instants live in the hash; the Redis TTL only
-- reclaims memory.
-- KEYS[1] session hash   ARGV[1] now   ARGV[2] idle timeout (s)   ARGV[3] '1' to extend idle, '0' to only check
-- A session ended by a newer login keeps a tombstone (state 'replaced') so its holder learns why, once.
-- Returns {'ok', field, value, ...} | {'missing'} | {'expired_absolute' | 'expired_idle' | 'replaced', username}
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then
  return {'missing'}
end
local s = {}
for i = 1, #fields, 2 do
  s[fields[i]] = fields[i + 1]
end
if s['state'] == 'replaced' then
  redis.call('DEL', KEYS[1])
  return {'replaced', s['username']}
end
local now = tonumber(ARGV[1])
if now >= tonumber(s['expires_at']) then
  redis.call('DEL', KEYS[1])
  return {'expired_absolute', s['username']}
end
if now >= tonumber(s['idle_expires_at']) then
  redis.call('DEL', KEYS[1])
  return {'expired_idle', s['username']}
end
if ARGV[3] == '1' then
  local idle = math.min(now + tonumber(ARGV[2]), tonumber(s['expires_at']))
  redis.call('HSET', KEYS[1], 'idle_expires_at', idle, 'last_seen_at', now)
  s['idle_expires_at'] = tostring(idle)
  s['last_seen_at'] = tostring(now)
end
local out = {'ok'}
for k, v in pairs(s) do
  out[#out + 1] = k
  out[#out + 1] = v
end
return out
