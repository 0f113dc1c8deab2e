-- An account's record and members as of one instant (a list of accounts reads each so, in one round trip).
-- KEYS[1] account hash   KEYS[2] its member set
-- Returns {the hash's field, value pairs (none: no account), the members}.
return {redis.call('HGETALL', KEYS[1]), redis.call('SMEMBERS', KEYS[2])}
