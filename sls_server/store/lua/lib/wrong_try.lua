-- wrong_try(key, allowed): the answer of a script whose code (hash ``key``, KEYS[n]) was not the one typed:
-- the try is counted in its 'failures' field, and the last one it allows deletes the hash, so the code dies
-- with it. {'wrong', tries left}. One step of its script: racing wrong tries are each counted.
local function wrong_try(key, allowed)
  local left = allowed - redis.call('HINCRBY', key, 'failures', 1)
  if left <= 0 then
    redis.call('DEL', key)
    left = 0
  end
  return {'wrong', left}
end
