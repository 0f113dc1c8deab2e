-- Record that a device with an end of validity (a temporary passcode) was found past it, so it stays lapsed:
-- moving the clock back afterwards must not bring back a passcode a client was told had lapsed.
-- KEYS[1] device hash   ARGV[1] now (the app clock)
-- Returns 1 when recorded now, else 0 (recorded before, no end of validity, not past it at `now`, or gone).
local device = redis.call('HMGET', KEYS[1], 'expires_at', 'lapsed_at')
if not device[1] or device[2] then
  return 0
end
if tonumber(ARGV[1]) < tonumber(device[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'lapsed_at', ARGV[1])
return 1
