-- Hand a code out once: remember its message id unless it is the one handed out last, so two callers waiting
-- for a new code never both get the same one.
-- KEYS[1] the handset's outbox cursor   ARGV[1] message id   ARGV[2] seconds to remember it
-- Returns 1 when the id is newly handed out, 0 when it was already.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
