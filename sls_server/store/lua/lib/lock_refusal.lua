-- lock_refusal(key, now): the answer of a script that meets a lockout bucket (KEYS[n], ``key``) locked at
-- ``now``, or nil when it is not: {'locked', until}, 0 for a lock only an admin lifts. As lockout_reserve.lua
-- judges a lock: in force until 'locked_until', unless stamped more than 30 s (STAMP_SKEW_S in
-- records/lockout.py) after now (the clock was moved back).
local function lock_refusal(key, now)
  local lock = redis.call('HMGET', key, 'permanent', 'locked_until', 'locked_at')
  if lock[1] == '1' then
    return {'locked', 0}
  end
  local locked_until = tonumber(lock[2] or '0')
  if locked_until > now and tonumber(lock[3] or '0') <= now + 30 then
    return {'locked', locked_until}
  end
  return nil
end
