-- Move a user's link from an account incarnation found gone (ARGV[1], ARGV[2]) to another (ARGV[3],
-- ARGV[4]), only if it still names the one found gone: nothing written if it changed meanwhile.
-- KEYS[1] the user's access hash
-- ARGV[1] the stale account's id   ARGV[2] its incarnation   ARGV[3] the new account's id   ARGV[4] its
-- incarnation
-- Returns 1 when moved, 0 when the link names something else.
if redis.call('HGET', KEYS[1], 'account') ~= ARGV[1]
  or (redis.call('HGET', KEYS[1], 'account_incarnation') or '') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], 'account', ARGV[3], 'account_incarnation', ARGV[4])
return 1
