-- The user's live sessions, pruning index entries whose sessions are gone, ended (a tombstone: any 'state') or
-- past their time.
-- KEYS[1] the user's session index   ARGV[1] now   ARGV[2] key prefix of the user's sessions
-- Returns {id, {field, value, ...}, id, {...}, ...}
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local fields = redis.call('HGETALL', ARGV[2] .. id)
  local s = {}
  for i = 1, #fields, 2 do
    s[fields[i]] = fields[i + 1]
  end
  if #fields == 0 or s['state'] or tonumber(s['idle_expires_at']) <= now then
    redis.call('ZREM', KEYS[1], id)
  else
    out[#out + 1] = id
    out[#out + 1] = fields
  end
end
return out
