-- Enforce "one session per user" atomically: racing logins cannot both become the only session.
-- KEYS[1] the user's session index (zset: session id -> absolute expiry)
-- ARGV[1] now   ARGV[2] new session id   ARGV[3] its absolute expiry   ARGV[4] 'replace' | 'refuse'
-- Returns {'ok', replaced ids...} or {'refused'}. The caller has pruned ids whose hashes are gone.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local live = redis.call('ZRANGE', KEYS[1], 0, -1)
if #live > 0 and ARGV[4] == 'refuse' then
  return {'refused'}
end
redis.call('DEL', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
local out = {'ok'}
for _, id in ipairs(live) do
  out[#out + 1] = id
end
return out
