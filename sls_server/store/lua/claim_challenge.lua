-- Claim the first candidate challenge this card does not remember, by its encoded bytes (RFC 6287's
-- numeric encoding makes "1" and "16" alike, so the caller passes encoded keys, not the digits), and forget
-- the oldest beyond the last `history`: memory per card stays bounded however many challenges are issued.
-- Scores are the card's issue order (the highest plus one), not the clock, which scenarios move backwards:
-- the record always drops exactly the oldest.
-- With KEYS[2], the claim is also the card's issuance: it counts in the card's sliding window of issues
-- first, and claims nothing when the window is full (as sliding_window.lua, one slot: the card's; issues
-- stamped more than 30 s after now, the clock moved back, are dropped there as here).
-- KEYS[1] zset of remembered encodings   KEYS[2] (optional) zset of the card's issues
-- ARGV[1] how many to remember   ARGV[2..] candidate encodings, then with KEYS[2]: now, window (s), limit,
-- the issue's id (the last four)
-- Returns the 1-based index of the claimed candidate, 0 when the card remembers every one, or with KEYS[2]
-- {-1, seconds until the oldest issue leaves the window} when the window is full.
local last_candidate = #ARGV
if KEYS[2] then
  last_candidate = #ARGV - 4
  local now = tonumber(ARGV[#ARGV - 3])
  local window = tonumber(ARGV[#ARGV - 2])
  -- issued more than 30 s after now: the clock was moved back (as in sliding_window.lua)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. (now + 30), '+inf')
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[#ARGV - 1]) then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {-1, math.max(tonumber(oldest[2]) + window - now, 1)}
  end
  redis.call('ZADD', KEYS[2], now, ARGV[#ARGV])
  redis.call('EXPIRE', KEYS[2], window + 60)
end
-- The newest remembered one, asked for straight away (a TYPE check first cost a call on every claim):
-- only a record kept before the bound, an unordered set, is refused (WRONGTYPE). Its members become the
-- oldest, in no order, and the question is asked again (any other refusal is raised then as it stands).
local last = redis.pcall('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last.err then
  if redis.call('TYPE', KEYS[1])['ok'] == 'set' then
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
  last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
end
local order = 1
if #last > 0 then
  order = tonumber(last[2]) + 1
end
for i = 2, last_candidate do
  if redis.call('ZADD', KEYS[1], 'NX', order, ARGV[i]) == 1 then
    redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
    return i - 1
  end
end
return 0
