-- Deliver one push into a phone's inbox, withdrawing the earlier pushes of the same login: a resent
-- notification replaces the one before it, as a login shows one number at a time. A stale push left in the
-- inbox could only be answered wrong, and a wrong answer costs the login one of its attempts.
-- KEYS[1] inbox hash   ARGV[1] notification id   ARGV[2] its JSON   ARGV[3] its login's txn id
-- ARGV[4] seconds the inbox lives
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local ok, note = pcall(cjson.decode, entries[i + 1])
  if ok and type(note) == 'table' and note['txn_id'] == ARGV[3] then
    redis.call('HDEL', KEYS[1], entries[i])
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
