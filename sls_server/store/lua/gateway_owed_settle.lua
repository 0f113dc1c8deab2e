-- A start's step has closed the session its script ended (its event recorded, the real session ended): the
-- close is no longer owed, unless a newer step's script has since put another session there.
-- KEYS[1] the session whose close is owed   ARGV[1] the session id closed
-- Returns 1 when it was that one's and is gone, else 0.
if redis.call('HGET', KEYS[1], 'session_id') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
