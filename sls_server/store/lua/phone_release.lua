-- A user leaves their number (their deletion): off its owners, and a number left with none is nobody's phone
-- any more, so its texts, calls, count, conditions and outbox cursor go too, in the same step: a user made
-- with the number meanwhile is its owner again before or after, never between. Without it every number ever
-- given stayed in Redis for good (no expiry: a user's record has none). A stale owner (one who changed number
-- since) keeps the phone: never a phone taken from a user who has it.
-- KEYS[1] the number's owners (set)   KEYS[2..] the phone's other keys   ARGV[1] the username
-- Returns 1 (the phone went) | 0 (others own it)
redis.call('SREM', KEYS[1], ARGV[1])
if redis.call('SCARD', KEYS[1]) > 0 then
  return 0
end
redis.call('DEL', unpack(KEYS, 2))
return 1
