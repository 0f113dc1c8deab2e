-- Check a sign-in to the trainer console or the simulator pages and count the request as activity, in one
-- step: a sign-in signed out, ended by an operator, past a deadline or earned with a token no longer in force
-- is refused by every worker at once. One found dead is deleted here.
-- KEYS[1] the sign-in's hash   KEYS[2] the index of sign-ins
-- ARGV[1] now   ARGV[2] door   ARGV[3] fingerprint of the token in force   ARGV[4] idle timeout (s)
-- ARGV[5] digest   ARGV[6] reclaim margin (s)
-- Returns 'ok' | 'missing' | 'other_door' | 'token_changed' | 'expired_absolute' | 'expired_idle'
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then
  return 'missing'
end
local s = {}
for i = 1, #fields, 2 do
  s[fields[i]] = fields[i + 1]
end
if s['door'] ~= ARGV[2] then
  return 'other_door'
end
local function finish(status)
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[5])
  return status
end
local now = tonumber(ARGV[1])
if s['fp'] ~= ARGV[3] then
  return finish('token_changed')
end
if now >= tonumber(s['until']) then
  return finish('expired_absolute')
end
if now >= tonumber(s['idle_until']) then
  return finish('expired_idle')
end
local idle = math.min(now + tonumber(ARGV[4]), tonumber(s['until']))
redis.call('HSET', KEYS[1], 'idle_until', idle)
redis.call('EXPIRE', KEYS[1], idle - now + tonumber(ARGV[6]))
return 'ok'
