-- Compare-and-set one hash field: write the new value only if the field still holds the one the caller
-- read (a password hash upgraded on login must not overwrite a password changed in between).
-- KEYS[1] hash   ARGV[1] field   ARGV[2] expected current value   ARGV[3] new value
-- Returns 1 when written, 0 when the field (or the hash) holds something else.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
