-- Check an IB Key activation code and activate the device in one step, so a code is good once and two
-- racing activations cannot both win. The code is compared as an HMAC digest (the pepper is not in Redis).
-- KEYS[1] device hash   ARGV[1] now   ARGV[2] digest of the code typed   ARGV[3] wrong codes allowed
-- ARGV[4..] field, value pairs written on success (public key, sealed OCRA key, status, app id)
-- Returns {status, attempts_left}: missing | used | inactive | burnt | expired | wrong | ok
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {'missing', 0}
end
if status == 'active' or status == 'replaced' then
  return {'used', 0}
end
if status ~= 'pending_activation' then
  return {'inactive', 0}
end
local stored = redis.call('HGET', KEYS[1], 'activation_digest')
if not stored then
  return {'burnt', 0}
end
if tonumber(ARGV[1]) >= tonumber(redis.call('HGET', KEYS[1], 'activation_expires_at')) then
  -- spent: moving the clock back must not revive a code refused as expired
  redis.call('HDEL', KEYS[1], 'activation_digest', 'activation_failures')
  return {'expired', 0}
end
if stored ~= ARGV[2] then
  local left = tonumber(ARGV[3]) - redis.call('HINCRBY', KEYS[1], 'activation_failures', 1)
  if left <= 0 then
    redis.call('HDEL', KEYS[1], 'activation_digest')
    left = 0
  end
  return {'wrong', left}
end
redis.call('HDEL', KEYS[1], 'activation_digest', 'activation_failures')
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('HINCRBY', KEYS[1], 'version', 1)
return {'ok', 0}
