-- Undo a claim_field: delete the field only if it still holds the value we claimed it for.
-- KEYS[1] hash   ARGV[1] field   ARGV[2] value
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
