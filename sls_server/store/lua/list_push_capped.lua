-- Push a value at a list's head and keep its newest entries only (a phone's inbox or call log), in one
-- script: one command, sent in a batch that is never sent again once on its way. A MULTI/EXEC of LPUSH and
-- LTRIM was sent again by redis-py after a lost connection, and a text Redis had stored showed twice.
-- KEYS[1] list   ARGV[1] value   ARGV[2] how many to keep
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return 1
