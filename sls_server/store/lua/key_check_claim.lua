-- Record which secret key this Redis's secrets are sealed under, or read the one recorded: a key check of the
-- first form (under the secret key itself) that names the same key is replaced by the second, in the same
-- step, so no server with another key can slip in between the read and the write.
-- KEYS[1] the key check   ARGV[1] this server's check (second form)   ARGV[2] the same key's first form
-- Returns the check recorded now.
local recorded = redis.call('GET', KEYS[1])
if not recorded or recorded == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1])
  return ARGV[1]
end
return recorded
