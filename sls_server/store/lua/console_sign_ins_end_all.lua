-- End every sign-in to the trainer console and the simulator pages at once (an operator's "end all").
-- KEYS[1] the index of sign-ins   ARGV[1] now   ARGV[2] key prefix of a sign-in (before its digest)
-- Every key is in the index's slot ({console}). Returns {door, count, ...}: the sign-ins still live that ended.
local now = tonumber(ARGV[1])
local counts = {}
for _, digest in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[2] .. digest
  local s = redis.call('HMGET', key, 'door', 'idle_until', 'until')
  if s[1] and now < tonumber(s[2]) and now < tonumber(s[3]) then
    counts[s[1]] = (counts[s[1]] or 0) + 1
  end
  redis.call('DEL', key)
end
redis.call('DEL', KEYS[1])
local out = {}
for door, count in pairs(counts) do
  out[#out + 1] = door
  out[#out + 1] = count
end
return out
