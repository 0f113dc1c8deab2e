-- switch_refusal(login, user, state, epoch, now): the answer of a switch script (login_switch_reserve.lua,
-- login_switch_commit.lua) whose login (hash ``login``, KEYS[n]; its 'state' and 'epoch' as read) no longer
-- waits on a second factor, or nil when it does: {'missing'}, {the settled state}, or {'revoked'} for a
-- step whose user no longer stands behind it (user_stands, which the script includes first), settled so.
local function switch_refusal(login, user, state, epoch, now)
  if not state then
    return {'missing'}
  end
  if state ~= 'second_factor' then
    return {state}
  end
  if not user_stands(user, epoch) then
    redis.call('HSET', login, 'state', 'revoked', 'settled_at', now)
    return {'revoked'}
  end
  return nil
end
