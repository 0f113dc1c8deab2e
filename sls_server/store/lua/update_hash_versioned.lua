-- Compare-and-set on a hash carrying a 'version' field: the device models are pure objects, so their new
-- state is written back only if nobody else wrote in between (optimistic concurrency, retried by the caller).
-- KEYS[1] hash   ARGV[1] expected version   ARGV[2..] field, value pairs
local current = redis.call('HGET', KEYS[1], 'version')
if not current then
  return 'missing'
end
if current ~= ARGV[1] then
  return 'conflict'
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 'ok'
