-- A user's new password, in one step: the hash is replaced only over the one the current password was checked
-- against (compare-and-set: a change landing in between wins), the password's epoch is drawn anew, and every
-- login of the user still in progress ends (state 'expired': it passed the old password, and must not finish
-- with its second factor; a login_create.lua racing this step finds the new epoch and stores nothing).
-- Step-ups (purpose other than 'login') are a session's, which the change leaves as they are.
-- KEYS[1] user hash   KEYS[2] the user's logins index (zset of ids)
-- ARGV[1] the hash read   ARGV[2] the new hash   ARGV[3] the new password epoch   ARGV[4] key prefix of the
-- user's logins   ARGV[5] now (the app clock)
-- ARGV[6], ARGV[7] (optional) the user's epoch and password epoch a recovery began under: the write is refused
-- unless the user still stands as then (not disabled, not deleted and made again, its password not changed
-- or reset since), so a recovery verified before such a change cannot undo it
-- Returns {'changed', logins ended} | {'conflict'} (the hash, or the user, is not the one read)
--       | {'stale'} (with ARGV[6]: the user no longer stands as the recovery found it)
if ARGV[6] then
  local user = redis.call('HMGET', KEYS[1], 'epoch', 'password_epoch', 'disabled')
  if user[3] == '1' or (user[1] or '') ~= ARGV[6] or (user[2] or '') ~= ARGV[7] then
    return {'stale'}
  end
end
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
