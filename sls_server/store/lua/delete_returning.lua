-- Delete a hash and return one of its fields (who owned the session just ended), or false if absent.
-- KEYS[1] hash   ARGV[1] field to return
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then
  return false
end
redis.call('DEL', KEYS[1])
return value
