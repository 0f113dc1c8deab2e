-- Is a login attempt's address one the user never logged in from, when they have logged in from others?
-- Only reads: it rides with the password step's read of the user (no round trip of its own).
-- KEYS[1] the user's known addresses (set)   ARGV[1] the address
-- Returns 1 (a new place) | 0 (known, or no login remembered yet: a first login is no news)
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return 0
end
return redis.call('SCARD', KEYS[1]) > 0 and 1 or 0
