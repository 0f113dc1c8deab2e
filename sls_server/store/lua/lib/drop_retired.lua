-- drop_retired(key, id, retired): the markers the session ``id`` (its hash ``key``) left of the tokens its
-- step-ups retired (session_create.lua's 'rotated' tombstones, named by its 'retired' field, comma-joined ids:
-- nil or false for none) are deleted, when the session goes for good (its holder's logout, the user's
-- deletion): no marker then tells a request with an old token to use a token that no longer lives. Each key
-- is the session's own prefix and an id, so on the session's slot.
local function drop_retired(key, id, retired)
  if not retired then
    return
  end
  local prefix = string.sub(key, 1, #key - #id)
  for old in string.gmatch(retired, '[^,]+') do
    redis.call('DEL', prefix .. old)
  end
end
