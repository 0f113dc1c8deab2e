-- Add a device to a user's device set only while the user exists, in one step: an enrolment that began
-- before the user was deleted must not make the set again for a name that has no user any more, or the
-- next user created under that name would inherit the device (and whoever holds it, their second factor).
-- KEYS[1] user hash   KEYS[2] the user's device set   ARGV[1] device id
-- Returns 1 when added (or already there), 0 when the user is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
