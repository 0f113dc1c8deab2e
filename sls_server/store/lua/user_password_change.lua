-- A user's new password, in one step: the hash is replaced only over the one the current password was checked
-- against (compare-and-set: a change landing in between wins), the password's epoch is drawn anew, and every
-- login of the user still in progress ends (state 'expired': it passed the old password, and must not finish
-- with its second factor; a login_create.lua racing this step finds the new epoch and stores nothing).
-- Step-ups (purpose other than 'login') are a session's, which the change leaves as they are.
-- KEYS[1] user hash   KEYS[2] the user's logins index (zset of ids)
-- ARGV[1] the hash read   ARGV[2] the new hash   ARGV[3] the new password epoch   ARGV[4] key prefix of the
-- user's logins   ARGV[5] now (the app clock)
-- Returns {'changed', logins ended} | {'conflict'} (the hash, or the user, is not the one read).
if redis.call('HGET', KEYS[1], 'password_hash') ~= ARGV[1] then
  return {'conflict'}
end
redis.call('HSET', KEYS[1], 'password_hash', ARGV[2], 'password_epoch', ARGV[3])
local ended = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local key = ARGV[4] .. id
  local txn = redis.call('HMGET', key, 'state', 'purpose')
  if txn[2] == 'login' and (txn[1] == 'second_factor' or txn[1] == 'approved') then
    redis.call('HSET', key, 'state', 'expired', 'settled_at', ARGV[5])
    ended = ended + 1
  end
end
return {'changed', ended}
