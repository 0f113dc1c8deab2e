-- Give back a switch reserved by login_switch_reserve.lua whose prompt was refused before anything was sent
-- (a send limit, a card's challenge limit): only a switch or a code actually sent counts against the limit.
-- Given back only while it is still the newest reservation ('switches_left' is its ticket) and the step
-- pending: then the step is exactly as before it was reserved. Otherwise it stays spent (a later switch was
-- reserved meanwhile, or the step ended), which can only leave a login fewer switches, never more.
-- KEYS[1] login hash   ARGV[1] the ticket
-- Returns 1 if given back, else 0.
local txn = redis.call('HMGET', KEYS[1], 'state', 'switches_left')
if txn[1] ~= 'second_factor' or txn[2] ~= ARGV[1] then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'switches_left', 1)
return 1
