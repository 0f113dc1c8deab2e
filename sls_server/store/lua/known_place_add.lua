-- Remember an address the user logged in from, in a set kept to a bound: a new one past it forgets another,
-- at random (a set keeps no order), never the one just added. Without the bound each new machine or proxy
-- address added one for good. A forgotten address's next login is a new place again (a notice).
-- KEYS[1] the user's known addresses (set)   ARGV[1] the address   ARGV[2] how many to keep
-- Returns how many it forgot (0 or more)
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local forgot = 0
local keep = tonumber(ARGV[2])
while redis.call('SCARD', KEYS[1]) > keep do
  local other = redis.call('SRANDMEMBER', KEYS[1])
  if other ~= ARGV[1] then
    redis.call('SREM', KEYS[1], other)
    forgot = forgot + 1
  end
end
return forgot
