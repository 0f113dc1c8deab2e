-- Release a user's link to an account, only if it still names that account (ARGV[1]) and, given one, that
-- incarnation of it (ARGV[2]): a link to another account, or to the id made again since (a deletion's
-- finisher that stalled while another finished it and the id was made again with the user in it), is left.
-- KEYS[1] the user's access hash   ARGV[1] the account's id   ARGV[2] its incarnation, or '*' for any
-- Returns 1 when released, 0 when the link names something else.
if redis.call('HGET', KEYS[1], 'account') ~= ARGV[1] then
  return 0
end
if ARGV[2] ~= '*' and (redis.call('HGET', KEYS[1], 'account_incarnation') or '') ~= ARGV[2] then
  return 0
end
redis.call('HDEL', KEYS[1], 'account', 'account_incarnation')
return 1
