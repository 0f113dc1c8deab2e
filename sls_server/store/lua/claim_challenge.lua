-- Claim the first candidate challenge this card has never been given, by its encoded bytes (RFC 6287's
-- numeric encoding makes "1" and "16" alike, so the caller passes encoded keys, not the digits).
-- KEYS[1] set of used encodings   ARGV[1] capacity   ARGV[2..] candidate encodings
-- Returns the 1-based index of the claimed candidate, 0 when all were taken, or 'full'.
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 'full'
end
for i = 2, #ARGV do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    return i - 1
  end
end
return 0
