-- Create a user only if the name is free, with the IP allowlist they are opened with and the account they
-- trade under, in one step: a user created with a list, or in an account (whose list applies to them), is
-- never visible without it (a login in between, or a failure before a second write, would have let them in
-- from anywhere).
-- Nor while a deletion of the name, cut short, has work left (KEYS[3]: user_delete.lua's mark): a user made
-- then would inherit what it had not yet done (a card still naming the name); the caller finishes it first.
-- KEYS[1] user hash   KEYS[2] the user's access hash   KEYS[3] the name's deletion mark (same slot)
-- ARGV[1] the encoded allowlist ('' = unrestricted)   ARGV[2] the account's id ('' = none)
-- ARGV[3] the account's incarnation (account_link.lua)   ARGV[4..] the user's field, value pairs
-- Returns 1 if created, 0 if the name is taken or its deletion unfinished (nothing written).
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[2], 'allowlist', ARGV[1])
else
  redis.call('HDEL', KEYS[2], 'allowlist')
end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[2], 'account', ARGV[2], 'account_incarnation', ARGV[3])
else
  redis.call('HDEL', KEYS[2], 'account', 'account_incarnation')
end
return 1
