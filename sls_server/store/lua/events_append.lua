-- Append to the audit trail, trimmed by age, with floods of one kind of refusal folded into counts.
--
-- Ids: readers page with a cursor, the last id they saw, so an id below one a reader holds is never read by
-- it. XADD * took Redis's wall clock, and after a failover the promoted replica may lack the last events and
-- run behind the old master's clock: its ids fell below cursors readers held. So ids are explicit: the app's
-- wall clock in ms (ARGV[8]) or the floor it passes (ARGV[9]: its clock's microseconds within the ms as the
-- sequence, or past the highest id that worker has seen), whichever is higher, and always past the stream's
-- last generated id, so the stream keeps one order.
--
-- Retention: the trim point is the retention before Redis's clock (TIME) or the app's wall clock, whichever
-- is behind (never the emulated clock: moving it must not erase the trail), so an event is kept at least
-- the retention on both, with the ids on the app's. `MINID ~` drops whole stream nodes, so at most one node
-- (<= 100 entries) older than the retention lingers. A call whose retention (ARGV[2]) is '' does not trim:
-- each worker trims at most once a second (``EventRepo``), and the others skip TIME and the trim's work.
--
-- Floods: an event with a group (ARGV[7], e.g. {"ip":"…","result":"rate_limited","type":"login.refused"})
-- is written only when it is the first of its group in the current window; later ones in that window only
-- add one to the group's count in KEYS[3]. When a window is closed (the group's next event falls in a
-- later window, or an append or a read finds it due in KEYS[4]), an `events.summary` event reports how many
-- were folded in. Every step is in this one script, so racing workers neither lose nor double a count.
-- A group by address (no user in it) also keeps whom its events named (ARGV[10]: a user, '?' and a name no
-- user has by its reference, or '' for no one), each once and at most MAX_NAMES ('+' once more came), so its
-- summary says whom: the user, or how many users and names no user has.
--
-- A decoy's events (a start of "Forgot your password?" at a name no user has: ``EventRepo.append_decoy``)
-- are written by this script too, on keys of their own (a stream nobody reads, its counts and windows), so
-- the call does the work of one that records: ARGV[11] then caps the stream (MAXLEN ~) instead of its age.
--
-- An event that must be in the trail exactly once however many requests record it, or record it again after
-- a worker was killed (a deletion's: ``EventRepo.append_once``), names its place in a hash of its own
-- (KEYS[5], on the trail's slot: the deletion's, by the mark's id; ARGV[12] the field): written only when
-- the field is not there yet, and the field set to its id in the same step, so no two requests both write
-- it and none writes it again.
--
-- KEYS[1] stream   KEYS[2] metrics hash (occurrences by type)   KEYS[3] open windows: group -> "start count"
-- KEYS[4] zset of open groups scored by window end   KEYS[5] (an event once) the places written
-- ARGV[1] now (app clock, s)   ARGV[2] retention (ms; '' = no trim this call)   ARGV[3] window (s)
-- ARGV[4] most windows to close
-- ARGV[5] event JSON ('' = only close due windows)   ARGV[6] its type   ARGV[7] group JSON ('' = always write)
-- ARGV[8] the app's wall clock (ms)   ARGV[9] the lowest id the app allows ('ms-seq', seq its microseconds)
-- ARGV[10] whom the event names ('' = no one)   ARGV[11] (a decoy's) the most entries the stream keeps ('' =
-- not a decoy's)   ARGV[12] (an event once) its place in KEYS[5]
-- Returns the id of the event written, or false when it was folded into its group's count or (an event
-- once) was written already.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[3])
local trim, bound = nil, nil
if ARGV[11] and ARGV[11] ~= '' then
  trim, bound = 'MAXLEN', tonumber(ARGV[11])
elseif ARGV[2] ~= '' then
  local t = redis.call('TIME')
  local redis_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  trim, bound = 'MINID', math.max(math.min(redis_ms, tonumber(ARGV[8])) - tonumber(ARGV[2]), 0)
end

-- XADD with the trim, when this call trims
local function xadd(call, id, json)
  if trim then
    return call('XADD', KEYS[1], trim, '~', bound, id, 'e', json)
  end
  return call('XADD', KEYS[1], id, 'e', json)
end

-- The next id: the floor the app sends (its clock to the microsecond, or past the highest id that worker has
-- seen: never below its clock's millisecond, ARGV[8]), then one past the last written here. Usually past the stream's
-- last id too, and XADD takes it as it is: one command. When it is not (another worker's or thread's event
-- with a later id reached Redis first, a clock behind another's), XADD refuses it and changes nothing, and the
-- event goes in with `*`: Redis's id, past the stream's last whatever its clock says (its clock in ms, or the
-- last id's next sequence), so past the refused floor too; no read of the stream's last id (XINFO STREAM
-- built a reply of its first and last entries for it, some 10 us a refusal).
local last_written = nil  -- a second write (a window's summary, then the event) starts past the first

local function write(json, kind)
  local id = ARGV[9]
  if last_written then
    local ms, seq = string.match(last_written, '^(%d+)-(%d+)$')
    id = ms .. '-' .. (tonumber(seq) + 1)
  end
  local added = xadd(redis.pcall, id, json)
  if type(added) == 'table' and added.err then
    -- at or below the stream's last id; any other refusal is raised by the second try as it stands
    added = xadd(redis.call, '*', json)
  end
  last_written = added
  redis.call('HINCRBY', KEYS[2], kind, 1)  -- counted once written: a refused event leaves no count behind
  return added
end

-- Most appends meet no open window and have no group (and are not an event once): the event is written, and
-- the flood's functions below are not even made (a closure each, on every call).
local has_open = redis.call('ZCARD', KEYS[4]) > 0
local group = ARGV[7]
if not has_open and group == '' and not KEYS[5] then
  if ARGV[5] == '' then
    return false
  end
  return write(ARGV[5], ARGV[6])
end

local MAX_NAMES = 10

-- A window's value: 'start count' and the names its events named, space-separated (none has a space).
local function parse(value)
  local start, count, names = string.match(value, '^(%-?%d+) (%d+) ?(.*)$')
  return tonumber(start), tonumber(count), names
end

local function with_name(names, name)
  if name == '' or string.find(' ' .. names .. ' ', ' ' .. name .. ' ', 1, true) then
    return names
  end
  if string.find(' ' .. names .. ' ', ' + ', 1, true) then
    return names
  end
  local _, n = string.gsub(names, '%S+', '')
  if n >= MAX_NAMES then
    name = '+'
  end
  return names == '' and name or names .. ' ' .. name
end

local function value_of(start, count, names)
  return start .. ' ' .. count .. (names == '' and '' or ' ' .. names)
end

-- Whom a summary by address names: the one user (or the one name no user has) its events named, else how
-- many of each ('+': more than were kept).
local function name_in(summary, names)
  local users, unknown, more, only = 0, 0, false, nil
  for name in string.gmatch(names, '%S+') do
    if name == '+' then
      more = true
    elseif string.sub(name, 1, 1) == '?' then
      unknown = unknown + 1
    else
      users = users + 1
    end
    only = name
  end
  if users + unknown == 1 and not more then
    if users == 1 then
      summary['user'] = only
    else
      summary['detail']['unknown_username'] = true
      summary['detail']['name_ref'] = string.sub(only, 2)
    end
    return
  end
  if users > 0 then summary['detail']['users'] = users end
  if unknown > 0 then summary['detail']['unknown_names'] = unknown end
  if more then summary['detail']['more_names'] = true end
end

local function close(group, value)
  local start, count, names = parse(value)
  if count < 2 then
    return  -- the window's only event is in the trail already
  end
  local g = cjson.decode(group)
  local summary = {
    at = now, type = 'events.summary', ip = g['ip'], user = g['user'], result = g['result'],
    detail = {type = g['type'], window_start = start, window_end = start + window,
              count = count, suppressed = count - 1}
  }
  if not g['user'] and names ~= '' then
    name_in(summary, names)
  end
  write(cjson.encode(summary), 'events.summary')
end

-- windows that ended, and windows that start after now (the clock was moved back): neither is current.
-- Looked for only when a window is open at all: most appends meet none, and ZCARD is the cheap question.
if has_open then
  local limit = tonumber(ARGV[4])
  local ended = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, limit)
  local ahead = redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. (now + window), '+inf', 'LIMIT', 0, limit)
  for _, due in ipairs({ended, ahead}) do
    for _, closing in ipairs(due) do
      local value = redis.call('HGET', KEYS[3], closing)
      if value then
        close(closing, value)
      end
      redis.call('HDEL', KEYS[3], closing)
      redis.call('ZREM', KEYS[4], closing)
    end
  end
end

if ARGV[5] == '' then
  return false
end
if KEYS[5] then
  if redis.call('HEXISTS', KEYS[5], ARGV[12]) == 1 then
    return false
  end
  local id = write(ARGV[5], ARGV[6])
  redis.call('HSET', KEYS[5], ARGV[12], id)
  return id
end
if group == '' then
  return write(ARGV[5], ARGV[6])
end
local start = now - (now % window)
local named = ARGV[10] or ''
local value = redis.call('HGET', KEYS[3], group)
if value then
  local open_start, count, names = parse(value)
  if open_start == start then
    redis.call('HSET', KEYS[3], group, value_of(start, count + 1, with_name(names, named)))
    redis.call('HINCRBY', KEYS[2], ARGV[6], 1)
    return false
  end
  close(group, value)
end
redis.call('HSET', KEYS[3], group, value_of(start, 1, named))
redis.call('ZADD', KEYS[4], start + window, group)
return write(ARGV[5], ARGV[6])
