-- Add members to an account only if it still exists, and is still the incarnation their links name: an
-- account deleted between the caller's check and this write must not get a member set back without its
-- record, nor one made again under the id meanwhile members whose links name the earlier one (its
-- deletion's finisher, releasing only links of its own incarnation, would leave them).
-- KEYS[1] account hash   KEYS[2] its member set   ARGV[1] the incarnation ('' for an account made before
-- incarnations)   ARGV[2..] usernames
-- Returns 1 when added, 0 when the account is gone or another incarnation (nothing written).
if redis.call('EXISTS', KEYS[1]) == 0 or (redis.call('HGET', KEYS[1], 'incarnation') or '') ~= ARGV[1] then
  return 0
end
for i = 2, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
end
return 1
