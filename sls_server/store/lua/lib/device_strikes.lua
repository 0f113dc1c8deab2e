-- The user's strikes on a device (keys.user_device_strikes): the wrong responses the user's logins and step-ups
-- gave it since its last right one, counted here, on the user's slot, before the device's own count is (on
-- the device's slot: device_failure.lua), so they are never fewer than the ones of these the device holds.
-- A device the hash does not name yet starts from ``seen``, its own count as the request read it.
-- device_strikes(key, device, seen): the count, as a number (``seen`` when the hash does not name the device)
local function device_strikes(key, device, seen)
  return tonumber(redis.call('HGET', key, device) or seen) or 0
end
-- strike(key, device, seen): one more wrong response on the device
local function strike(key, device, seen)
  redis.call('HSET', key, device, device_strikes(key, device, seen) + 1)
end
-- strikes_cleared(key, device, cleared): a right response cleared ``cleared`` of the device's own count (its
-- step on the device's slot, device_success.lua): as many of the strikes go; the count stays where it was
-- for a device the hash does not name. Nothing cleared, nothing read (a clean login's step costs no command).
local function strikes_cleared(key, device, cleared)
  if cleared <= 0 then
    return
  end
  local found = redis.call('HGET', key, device)
  if found then
    redis.call('HSET', key, device, math.max(0, tonumber(found) - cleared))
  end
end
