-- Push a value at a list's head and keep its newest entries only (a phone's inbox or call log), in one
-- script: one command, sent in a batch that is never sent again once on its way. A MULTI/EXEC of LPUSH and
-- LTRIM was sent again by redis-py after a lost connection, and a text Redis had stored showed twice.
-- A handset nobody has (KEYS[2] empty: a number typed in a change never confirmed, the attacker's handset)
-- is kept ARGV[3] seconds of real time after its last text or call, with its count (KEYS[3]): else every
-- number ever texted stayed for good. An owned one's keys have no expiry (phone_own.lua).
-- KEYS[1] list   KEYS[2] the handset's owners (set)   KEYS[3] its count of texts and calls
-- ARGV[1] value   ARGV[2] how many to keep   ARGV[3] seconds to keep a handset nobody has
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
  if redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('EXPIRE', KEYS[3], tonumber(ARGV[3]))
  end
end
return 1
