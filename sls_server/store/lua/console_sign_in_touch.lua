-- Check a sign-in to the trainer console or the simulator pages and, for a person's request, count it as
-- activity, in one step: a sign-in signed out, ended by an operator, past a deadline or earned with a token no
-- longer in force is refused by every worker at once. What a page's script asks on its own (a poll, the live
-- feed) only checks (ARGV[7] '0'): an open console left alone still idles out.
-- One earned with another token is deleted here. One past a deadline is kept, though it opens nothing (its
-- deadline stays past), until its TTL reclaims it: each tab's next poll and the sign-in page it is sent to
-- can then say why it ended (signed out after so long without activity), not only that it is gone.
-- KEYS[1] the sign-in's hash   KEYS[2] the index of sign-ins
-- ARGV[1] now   ARGV[2] door   ARGV[3] fingerprint of the token in force   ARGV[4] idle timeout (s)
-- ARGV[5] digest   ARGV[6] reclaim margin (s)   ARGV[7] '1' if the request is a person's activity, else '0'
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
local now = tonumber(ARGV[1])
if s['fp'] ~= ARGV[3] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[5])
  return 'token_changed'
end
if now >= tonumber(s['until']) then
  return 'expired_absolute'
end
if now >= tonumber(s['idle_until']) then
  return 'expired_idle'
end
if ARGV[7] == '1' then
  local idle = math.min(now + tonumber(ARGV[4]), tonumber(s['until']))
  redis.call('HSET', KEYS[1], 'idle_until', idle)
  redis.call('EXPIRE', KEYS[1], idle - now + tonumber(ARGV[6]))
end
return 'ok'
