-- Set fields on a hash only if it still exists (a reset must not resurrect a deleted record as a stub).
-- KEYS[1] hash   ARGV field, value pairs
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
