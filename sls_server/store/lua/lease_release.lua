-- Let go of a lease (a key SET NX PX by its holder) only if the caller still holds it: a holder whose lease
-- ran out, and was taken by another, must not end the other's.
-- KEYS[1] the lease   ARGV[1] the holder's token
-- Returns 1 when released, 0 when the caller no longer held it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
