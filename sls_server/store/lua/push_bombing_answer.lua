-- The victim answered a push: if it is one of the last push bombing's still unanswered, it is counted once
-- (a retried or racing answer counts nothing more), by how it ended.
-- KEYS[1] the bombing's hash (keys.push_bombing)   ARGV[1] the push's login (txn id)
-- ARGV[2] how it ended: denied | wrong_number | refused (approved, the attacker's page refused) | got_in
-- Returns 1 when counted, 0 when the login is none of the bombing's or was counted already.
if redis.call('HDEL', KEYS[1], 't:' .. ARGV[1]) == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'a:' .. ARGV[2], 1)
return 1
