-- Write the new prompt of a switch reserved by login_switch_reserve.lua and sent since: its fields, its expiry
-- (never past the login's 'dies_at'), and 'prompt_no', the reservation's ticket, which names the prompt: an
-- answer checked against the one it replaces settles nothing (login_verify.lua, session_create.lua), even one
-- read while this switch was being sent. Only the newest reservation writes: one made since (a racing switch)
-- replaces this prompt, so an older prompt never overwrites a newer one.
-- KEYS[1] login hash   KEYS[2] user hash   ARGV[1] now   ARGV[2] the ticket   ARGV[3] the new prompt's
-- expires_at   ARGV[4..] field, value pairs
-- Returns {'ok', expires_at} | {'switched'} (a later reservation stands) | {'missing'} | {'revoked'}
--       | {the settled state}
-- include: user_stands
-- include: switch_refusal
local txn = redis.call('HMGET', KEYS[1], 'state', 'expires_at', 'epoch', 'dies_at', 'switch_seq')
local refused = switch_refusal(KEYS[1], KEYS[2], txn[1], txn[3], ARGV[1])
if refused then
  return refused
end
if txn[5] ~= ARGV[2] then
  return {'switched'}
end
local expires_at = math.min(tonumber(ARGV[3]), tonumber(txn[4] or txn[2]))
redis.call('HSET', KEYS[1], 'expires_at', expires_at, 'prompt_no', ARGV[2], unpack(ARGV, 4))
return {'ok', expires_at}
