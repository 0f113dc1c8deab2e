-- A user leaves a number (their deletion, or a move to another number): off its owners, and a number left
-- with none is nobody's phone any more, so its texts, calls, count, conditions and outbox cursor go too, in
-- the same step: at once for a deletion, after ARGV[2] seconds (a TTL) for a move, whose notice to the old
-- number stays readable a while. A user given the number meanwhile is its owner again before or after,
-- never between (phone_own.lua takes the TTL off). Without it every number ever given stayed in Redis for
-- good. A stale owner (one who changed number before this existed) keeps the phone: never a phone taken from
-- a user who has it.
-- KEYS[1] the number's owners (set)   KEYS[2..] the phone's other keys   ARGV[1] the username
-- ARGV[2] '' (drop now) or seconds to keep it
-- Returns 1 (nobody's now) | 0 (others own it)
redis.call('SREM', KEYS[1], ARGV[1])
if redis.call('SCARD', KEYS[1]) > 0 then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', unpack(KEYS, 2))
  return 1
end
for i = 2, #KEYS do
  if redis.call('TTL', KEYS[i]) == -1 then  -- a key with an expiry of its own (the outbox cursor) keeps it
    redis.call('EXPIRE', KEYS[i], tonumber(ARGV[2]))
  end
end
return 1
