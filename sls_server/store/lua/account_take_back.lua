-- Take back an account a create made (its users' links released), only if the id is still that making: one
-- deleted and made again under the id by other requests meanwhile is theirs, and stays.
-- KEYS[1] account hash   KEYS[2] its member set   ARGV[1] the incarnation the create made
-- Returns 1 when deleted, 0 when the id is gone or another making (nothing done).
if (redis.call('HGET', KEYS[1], 'incarnation') or false) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
