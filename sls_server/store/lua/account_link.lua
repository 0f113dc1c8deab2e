-- Link a user to an account incarnation (a user joining an account): the user's access hash names the
-- account's id (`account`) and which making of that id (`account_incarnation`, the random value the
-- account's record holds: an account deleted and made again under its id is another incarnation). Set if
-- the user has no link, succeed if it names this incarnation already, else return what it names, for the
-- caller to judge (another account that exists, or a link left naming one that is gone, this id's earlier
-- making included). One step, so two racing claims have one winner.
-- KEYS[1] the user's access hash   ARGV[1] the account's id   ARGV[2] its incarnation ('' for an account
-- made before incarnations)
-- Returns false when linked, else {id, incarnation} the link names.
local held = redis.call('HGET', KEYS[1], 'account')
local incarnation = redis.call('HGET', KEYS[1], 'account_incarnation') or ''
if not held then
  redis.call('HSET', KEYS[1], 'account', ARGV[1], 'account_incarnation', ARGV[2])
  return false
end
if held == ARGV[1] and incarnation == ARGV[2] then
  return false
end
return {held, incarnation}
