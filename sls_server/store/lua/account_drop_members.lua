-- The last step of an account's deletion (account_delete.lua): its member set, once each member's link is
-- released. Left alone if an account of the same id exists again: the set is that account's now.
-- KEYS[1] account hash   KEYS[2] its member set
-- Returns 1 when the set was deleted, else 0.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
return redis.call('DEL', KEYS[2])
