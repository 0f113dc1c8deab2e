-- Point a pending second-factor step at another factor (M2FS) or a fresh code, keeping its attempt count
-- (a new code must not reset failures: NIST 800-63B-4 §3.1.3.2).
-- KEYS[1] login hash   ARGV[1] now   ARGV[2] new expires_at   ARGV[3..] field, value pairs
-- Returns 'ok', or the state that forbids the switch ('missing', 'expired', 'authenticated', ...).
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return 'missing'
end
if state ~= 'second_factor' then
  return state
end
if tonumber(ARGV[1]) >= tonumber(redis.call('HGET', KEYS[1], 'expires_at')) then
  return 'expired'
end
redis.call('HSET', KEYS[1], 'expires_at', ARGV[2], unpack(ARGV, 3))
return 'ok'
