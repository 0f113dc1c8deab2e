-- Give back a switch reserved by login_switch_reserve.lua whose prompt was refused before anything was sent
-- (a send limit, a card's challenge limit): only a switch or a code actually sent counts against the limit.
-- Given back whether or not a later switch was reserved meanwhile (each reservation is given back at most
-- once, by the request that made it, so the count never passes what was sent); not once the step has ended.
-- KEYS[1] login hash
-- Returns 1 if given back, else 0.
if redis.call('HGET', KEYS[1], 'state') ~= 'second_factor' then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'switches_left', 1)
return 1
