-- A gateway process stops: its lease goes, and its token leaves the instance's set, so the next start finds
-- no live process in it and ends the session (as the real gateway's restart asks for a login).
-- KEYS[1] the process's lease   KEYS[2] the instance's set of process tokens   ARGV[1] the process's token
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
