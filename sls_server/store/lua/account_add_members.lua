-- Add members to an account only if it still exists: an account deleted between the caller's check and this
-- write must not get a member set back without its record.
-- KEYS[1] account hash   KEYS[2] its member set   ARGV usernames
-- Returns 1 when added, 0 when the account is gone (nothing written).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for _, name in ipairs(ARGV) do
  redis.call('SADD', KEYS[2], name)
end
return 1
