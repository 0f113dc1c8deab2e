-- The user's strikes on a device (keys.user_device_strikes): the wrong responses the user's logins and step-ups
-- gave it since its last right one, counted here, on the user's slot, before the device's own count is (on
-- the device's slot: device_failure.lua), so they are never fewer than the ones of these the device holds.
-- A device the hash does not name yet starts from ``seen``, its own count as the request read it.
-- A card shared since a request read it as one user's (accounts.devices share): the other users' wrong
-- responses strike their own slots, never this one's, so a step judging these strikes alone would settle a right
-- answer on a card they disabled meanwhile. The share marks each user holding it, before the card names the new
-- one: the field '<device>:shared' holds the card's version the share's write replaced (its greatest), and a
-- request that read the card at that version or before, with one user, is refused by the settling step as
-- 'device_shared' (the caller asks the card's own slot, as for a card read shared, and settles again).
-- device_strikes(key, device, seen): the count, as a number (``seen`` when the hash does not name the device)
local function device_strikes(key, device, seen)
  return tonumber(redis.call('HGET', key, device) or seen) or 0
end
-- strikes_and_share(key, device, seen, alone_at): device_strikes, and whether the card was shared since a
-- request read it as one user's at version ``alone_at`` (nil: not so read, never); one read of the hash
local function strikes_and_share(key, device, seen, alone_at)
  local found = redis.call('HMGET', key, device, device .. ':shared')
  local shared = alone_at and found[2] and tonumber(found[2]) >= alone_at or false
  return tonumber(found[1] or seen) or 0, shared
end
-- mark_shared(key, device, version): the share's mark, never moved back by an older share's
local function mark_shared(key, device, version)
  local field = device .. ':shared'
  if (tonumber(redis.call('HGET', key, field)) or -1) < version then
    redis.call('HSET', key, field, version)
  end
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
