-- Create a user only if the name is free, with the IP allowlist they are opened with, in one step: a user
-- created with a list is never visible without it (a login in between, or a failure before a second write,
-- would have let them in from anywhere).
-- KEYS[1] user hash   KEYS[2] the user's access hash (same slot)
-- ARGV[1] the encoded allowlist ('' = unrestricted)   ARGV[2..] the user's field, value pairs
-- Returns 1 if created, 0 if the name is taken (nothing written).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[2], 'allowlist', ARGV[1])
else
  redis.call('HDEL', KEYS[2], 'allowlist')
end
return 1
