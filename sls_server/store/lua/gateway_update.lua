-- Change the gateway's session only if it is still the one the caller read: a stale change (a staged drop,
-- a reauthentication, an expiry) must never land on a newer login's record.
-- KEYS[1] the gateway's session hash   ARGV[1] the session id read   ARGV[2] 'end' to delete it, 'set' to write
-- ARGV[3..] field, value pairs (for 'set')
-- Returns 1 when done, 0 when the gateway holds another session or none.
if redis.call('HGET', KEYS[1], 'session_id') ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'end' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
end
return 1
