-- Delete a multi-user account's record and return its members, whose links to it (under their own tags, in
-- other slots) the caller then releases one by one. The member set stays until they are
-- (account_drop_members.lua): a deletion cut short between the two leaves the list of what is left to undo,
-- which the next delete, or a create, of the same id finishes.
-- KEYS[1] account hash   KEYS[2] its member set
-- Returns the members (empty: none), or false when there is neither an account nor a deletion to finish.
local existed = redis.call('DEL', KEYS[1])
local members = redis.call('SMEMBERS', KEYS[2])
if existed == 0 and #members == 0 then
  return false
end
return members
