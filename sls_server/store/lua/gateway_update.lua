-- Change the gateway's session only if it is still the one the caller read: a stale change (a staged drop,
-- a reauthentication, an expiry) must never land on a newer login's record.
-- KEYS[1] the gateway's session hash   KEYS[2] why its last session ended (set by 'end')
-- ARGV[1] the session id read   ARGV[2] 'end' to delete it (ARGV[3] why: '<reason> <ended_by> <when it ended>', ARGV[4] seconds of
-- real time Redis keeps why: a backstop, ARGV[5] the app clock's now, stored with why: '<now> <why>', whose hour is
-- judged at read),
-- 'set' to write, 'back' to put a record back whole in its place (a login whose session was replaced before it took the
-- gateway hands the gateway back to the one it displaced)
-- ARGV[3..] field, value pairs (for 'set'); for 'back': ARGV[3] seconds Redis keeps it, ARGV[4..] the pairs
-- Returns 1 when done, 0 when the gateway holds another session or none.
if redis.call('HGET', KEYS[1], 'session_id') ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'end' then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], ARGV[5] .. ' ' .. ARGV[3], 'EX', ARGV[4])
elseif ARGV[2] == 'back' then
  redis.call('DEL', KEYS[1])
  if #ARGV > 3 then
    redis.call('HSET', KEYS[1], unpack(ARGV, 4))
    redis.call('EXPIRE', KEYS[1], ARGV[3])
  end
else
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
end
return 1
