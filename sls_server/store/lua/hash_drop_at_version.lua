-- Delete a hash carrying a 'version' field if nobody wrote it since that version was read: what was judged
-- on the read (an IB Key app with nobody on it, at the upgrade: store/upgrade_orphans.py) still holds.
-- KEYS[1] hash   ARGV[1] the version read
-- Returns 1 (deleted) | 0 (written since, or gone)
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
