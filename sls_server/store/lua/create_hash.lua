-- Create a hash only if the key does not exist yet (a user, a device): no check-then-write race.
-- With KEYS[2], only while that key does not exist either: a deletion of the same id cut short, whose mark
-- (account_delete.lua's) refuses a create until it is finished. The hash never expires: the records made
-- so (a device, an IB Key app, an account) live until deleted.
-- KEYS[1] hash   KEYS[2] (optional) a mark that refuses it   ARGV field, value pairs
if redis.call('EXISTS', KEYS[1]) == 1 or (KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1) then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
