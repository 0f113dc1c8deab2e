-- Create a device's record holding its turn, in one step: the enrolment that makes the device holds its
-- turn from its first write to its event (DeviceService.enrol), never asking for it. Nobody can hold the
-- turn of an id not given out yet, so the lease is set, not taken (SET without NX).
-- KEYS[1] the device's hash   KEYS[2] its turn (a lease, keys.device_turn: the same slot)
-- ARGV[1] the holder's token   ARGV[2] the lease in ms   ARGV[3..] field, value pairs
-- Returns 1, or 0 with nothing written if the id is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
