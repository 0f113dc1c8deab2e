-- Claim the first candidate challenge this card does not remember, by its encoded bytes (RFC 6287's
-- numeric encoding makes "1" and "16" alike, so the caller passes encoded keys, not the digits), and forget
-- the oldest beyond the last `history`: memory per card stays bounded however many challenges are issued.
-- Scores are the card's issue order (the highest plus one), not the clock, which scenarios move backwards:
-- the record always drops exactly the oldest.
-- KEYS[1] zset of remembered encodings   ARGV[1] how many to remember   ARGV[2..] candidate encodings
-- Returns the 1-based index of the claimed candidate, or 0 when the card remembers every one.
if redis.call('TYPE', KEYS[1])['ok'] == 'set' then
  -- a record kept before the bound: an unordered set; its members become the oldest, in no order
  local members = redis.call('SMEMBERS', KEYS[1])
  redis.call('DEL', KEYS[1])
  for i = 1, #members, 1000 do
    local args = {}
    for j = i, math.min(i + 999, #members) do
      args[#args + 1] = 0
      args[#args + 1] = members[j]
    end
    redis.call('ZADD', KEYS[1], unpack(args))
  end
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local order = 1
if #last > 0 then
  order = tonumber(last[2]) + 1
end
for i = 2, #ARGV do
  if redis.call('ZADD', KEYS[1], 'NX', order, ARGV[i]) == 1 then
    redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
    return i - 1
  end
end
return 0
