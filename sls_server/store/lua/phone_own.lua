-- A user is given the number (their creation, a change of number, an import): among its owners, and its
-- phone kept for good again, a number moved away from before (phone_release.lua) included.
-- KEYS[1] the number's owners (set)   KEYS[2..] the phone's keys kept for good   ARGV[1] the username
redis.call('SADD', KEYS[1], ARGV[1])
for i = 2, #KEYS do
  redis.call('PERSIST', KEYS[i])
end
return 1
