-- Add a device to a user's device set only while the user exists, in one step: an enrolment that began
-- before the user was deleted must not make the set again for a name that has no user any more, or the
-- next user created under that name would inherit the device (and whoever holds it, their second factor).
-- And the broker's rule for temporary passcodes (KB69: none right after another): the user hash's
-- 'temporary_passcode' names the passcode that joined last, until any other device joins; a passcode is
-- refused while it names another. Judged and written in this one step, so of two issued at once one wins.
-- KEYS[1] user hash   KEYS[2] the user's device set   ARGV[1] device id
-- ARGV[2] (optional) the device's type: 'temporary' is judged by the rule, any other clears it ('' or none:
-- neither, for a state import, which writes the user's record with its own 'temporary_passcode')
-- Returns {'added'} (or already there) | {'no_user'} | {'consecutive', the passcode it would follow};
-- nothing is written unless 'added'.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'no_user'}
end
local kind = ARGV[2] or ''
if kind == 'temporary' then
  local before = redis.call('HGET', KEYS[1], 'temporary_passcode')
  if before and before ~= ARGV[1] then
    return {'consecutive', before}
  end
  redis.call('HSET', KEYS[1], 'temporary_passcode', ARGV[1])
elseif kind ~= '' then
  redis.call('HDEL', KEYS[1], 'temporary_passcode')
end
redis.call('SADD', KEYS[2], ARGV[1])
return {'added'}
