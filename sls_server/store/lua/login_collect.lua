-- Hand out an approved login's session exactly once: the first poll after approval wins.
-- KEYS[1] login hash   ARGV[1] now
-- Returns 1 for the one caller that moves 'approved' to 'authenticated', else 0.
if redis.call('HGET', KEYS[1], 'state') ~= 'approved' then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'authenticated', 'collected_at', ARGV[1])
return 1
