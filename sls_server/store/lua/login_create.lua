-- Store a new login transaction and index it under its user, in one step (the index lets deleting the user
-- delete their logins). Expiry instants live in the hash; the Redis TTLs only reclaim memory.
-- KEYS[1] login hash   KEYS[2] the user's logins index (zset: id -> when Redis may reclaim it)
-- ARGV[1] now   ARGV[2] seconds Redis keeps the hash   ARGV[3] the login's id
-- ARGV[4] with KEYS[3] (the user hash): the password epoch the login's password was checked under; a password
-- changed since (user_password_change.lua) stores nothing. '' = none yet. Without KEYS[3] (a step-up): unread.
-- ARGV[5..] field, value pairs
-- Returns 1 when stored, 0 when the password changed since it was checked.
if KEYS[3] and (redis.call('HGET', KEYS[3], 'password_epoch') or '') ~= ARGV[4] then
  return 0
end
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[3])
redis.call('EXPIRE', KEYS[2], ttl)
return 1
