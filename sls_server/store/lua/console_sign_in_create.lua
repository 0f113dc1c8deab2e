-- Record a sign-in to the trainer console or the simulator pages and index it, in one step. Deadlines live in
-- the hash (wall-clock seconds, passed in); the Redis TTL only reclaims memory, with a margin.
-- KEYS[1] the sign-in's hash   KEYS[2] the index of sign-ins (digest -> absolute deadline)
-- ARGV[1] now   ARGV[2] door   ARGV[3] token fingerprint   ARGV[4] idle deadline   ARGV[5] absolute deadline
-- ARGV[6] digest   ARGV[7] reclaim margin (s)
local now = tonumber(ARGV[1])
-- entries past their absolute deadline are dead whatever their key holds: no need to index them further
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'door', ARGV[2], 'fp', ARGV[3], 'signed_in_at', now, 'idle_until', ARGV[4],
  'until', ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]) - now + tonumber(ARGV[7]))
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
return 'ok'
