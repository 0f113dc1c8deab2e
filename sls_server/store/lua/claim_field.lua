-- Claim a hash field for a value (a user joining an account): set it if absent, succeed if it already
-- holds that value, else return the value that holds it. One step, so two racing claims have one winner.
-- KEYS[1] hash   ARGV[1] field   ARGV[2] value
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return false
end
if current == ARGV[2] then
  return false
end
return current
