-- A gateway process starts: it takes its lease and, unless another live process of the instance holds one (a
-- rolling restart, a second port behind a balancer: the gateway as a whole never went down), ends the session
-- the instance held, in one step: two processes starting at once cannot both find the other absent and keep
-- it, nor one end it while the other was already serving.
-- KEYS[1] the gateway's session hash   KEYS[2] why its last session ended   KEYS[3] the set of process tokens
-- KEYS[4] the session whose close is owed: the record ended here moves there, with 'ended_at', until the caller
-- has recorded its event and ended the real session behind it (a caller killed before that: the next start does)
-- ARGV[1] this process's token   ARGV[2] the leases' key prefix   ARGV[3] where it runs (JSON)
-- ARGV[4] the lease, ms of real time   ARGV[5] the session id the caller found live ('' none)
-- ARGV[6] why: '<reason> <ended_by>'   ARGV[7] seconds of real time Redis keeps why   ARGV[8] the app clock's now
-- Returns {the number of other live processes, 1 when the session ended else 0}.
local others = 0
for _, token in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if token ~= ARGV[1] then
    if redis.call('EXISTS', ARGV[2] .. token) == 1 then
      others = others + 1
    else
      redis.call('SREM', KEYS[3], token) -- its lease ran out: a process killed before it could let go
    end
  end
end
redis.call('SET', ARGV[2] .. ARGV[1], ARGV[3], 'PX', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
if others > 0 or ARGV[5] == '' or redis.call('HGET', KEYS[1], 'session_id') ~= ARGV[5] then
  return {others, 0}
end
redis.call('RENAME', KEYS[1], KEYS[4])
redis.call('HSET', KEYS[4], 'ended_at', ARGV[8])
redis.call('EXPIRE', KEYS[4], ARGV[7])
redis.call('SET', KEYS[2], ARGV[8] .. ' ' .. ARGV[6], 'EX', ARGV[7])
return {others, 1}
