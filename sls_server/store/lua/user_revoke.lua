-- Disable (or re-enable) a user and, on disabling, end every session of theirs in the same step (tombstones). A new
-- epoch makes every login and step-up they had in progress dead too: each later step compares epochs.
-- KEYS[1] user hash   KEYS[2] the user's session index
-- ARGV[1] '1' disable | '0' enable   ARGV[2] the new epoch ('' = keep)   ARGV[3] key prefix of the user's sessions
-- ARGV[4] '1': leave each ended session a tombstone | '0': delete it (the user is being deleted), and the
-- markers of the tokens its step-ups retired, which it names
-- ARGV[5] now (the app clock)   ARGV[6] seconds of real time a tombstone is kept
-- Returns false if there is no such user, else {ended session ids...}.
-- include: drop_retired
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
redis.call('HSET', KEYS[1], 'disabled', ARGV[1])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'epoch', ARGV[2])
end
local ended = {}
if ARGV[1] == '1' then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    -- ended, left a tombstone of only why and when (state 'revoked', as a newer login leaves 'replaced'), so
    -- every later request with its token is told why, until Redis reclaims it (ARGV[6] s of real time)
    local key = ARGV[3] .. id
    if ARGV[4] == '0' then
      -- the markers its step-ups left (lib/drop_retired.lua): gone with it, not outliving the user a day
      drop_retired(key, id, redis.call('HGET', key, 'retired'))
      if redis.call('DEL', key) == 1 then
        ended[#ended + 1] = id
      end
    elseif redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'state') == 0 then
      redis.call('DEL', key)
      redis.call('HSET', key, 'state', 'revoked', 'at', ARGV[5])
      redis.call('EXPIRE', key, tonumber(ARGV[6]))
      ended[#ended + 1] = id
    end
  end
  redis.call('DEL', KEYS[2])
end
return ended
