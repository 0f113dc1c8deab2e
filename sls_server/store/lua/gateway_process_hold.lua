-- Take or renew one gateway process's lease, and name it in the instance's set of processes.
-- KEYS[1] the process's lease   KEYS[2] the instance's set of process tokens
-- ARGV[1] the process's token   ARGV[2] where it runs (JSON)   ARGV[3] the lease, ms of real time
-- The set lives as long as the last lease renewed (every process uses the same lease): it never outlives them.
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
