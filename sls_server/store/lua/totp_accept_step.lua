-- Accept a TOTP time step at most once per device, and never one older than the last accepted: the check
-- and the write are one step, so two logins racing with the same code cannot both pass (replay).
-- A step accepted on a clock ahead of this one (the clock was moved back since) does not bar the present:
-- the guard is then the latest accepted step that is not ahead. Every step in `used_steps` (the RECENT
-- highest accepted) is refused whatever the clock, and so is every step at or below `floor_step`, the
-- highest step ever dropped from `used_steps` to keep it bounded: a code is never taken twice, however many
-- were accepted since (RFC 6238 section 5.2's "at or below the last", kept exactly below the RECENT highest).
-- KEYS[1] device hash   ARGV[1] candidate step (integer)   ARGV[2] the current step   ARGV[3] drift (steps)
-- Returns 1 if the step was accepted (and recorded as last_step), 0 otherwise.
local RECENT = 16
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0  -- a deleted device accepts nothing, and must not come back as a stub
end
local candidate = tonumber(ARGV[1])
if not candidate then
  return redis.error_reply('candidate step is not a number')
end
local newest = tonumber(ARGV[2]) + tonumber(ARGV[3])  -- the latest step the current clock accepts
local fields = redis.call('HMGET', KEYS[1], 'last_step', 'used_steps', 'floor_step')
local last = tonumber(fields[1])
local floor = tonumber(fields[3])
if floor and candidate <= floor then
  return 0
end
local used = {}
for step in string.gmatch(fields[2] or '', '%-?%d+') do
  used[#used + 1] = tonumber(step)
end
if last and last > newest then
  last = nil  -- accepted ahead of this clock: the guard is the latest used step that is not
  for _, step in ipairs(used) do
    if step <= newest and (not last or step > last) then
      last = step
    end
  end
end
if last and last >= candidate then
  return 0
end
for _, step in ipairs(used) do
  if step == candidate then
    return 0
  end
end
used[#used + 1] = candidate
table.sort(used)
while #used > RECENT do
  -- the lowest goes, and with it every step up to it: the floor only rises
  floor = math.max(floor or used[1], used[1])
  table.remove(used, 1)
end
if floor then
  redis.call('HSET', KEYS[1], 'floor_step', string.format('%d', floor))
end
redis.call('HSET', KEYS[1], 'last_step', ARGV[1], 'used_steps', table.concat(used, ','))
return 1
