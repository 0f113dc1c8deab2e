-- A right response's step-up or push approval cleared some of a device's count of wrong responses (on the
-- device's slot, device_success.lua, after the answer was settled here): as many of the user's strikes on
-- it go (lib/device_strikes.lua), so they stay no fewer than the device's own count and no more than needed.
-- KEYS[1] the user's strikes   ARGV[1] device id   ARGV[2] how many the device's count lost
-- include: device_strikes
strikes_cleared(KEYS[1], ARGV[1], tonumber(ARGV[2]))
return 1
