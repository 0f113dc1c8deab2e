-- user_stands(key, epoch): does the user hash ``key`` still stand behind a step or session begun at ``epoch``:
-- the user exists, is not disabled, and its epoch has not moved (disabling, deleting or re-creating the user
-- moves it: sls_server.accounts.user_fields.new_epoch), so whatever was begun before is dead for every worker.
local function user_stands(key, epoch)
  local user = redis.call('HMGET', key, 'username', 'disabled', 'epoch')
  return user[1] ~= false and user[2] ~= '1' and (user[3] or '') == (epoch or '')
end
