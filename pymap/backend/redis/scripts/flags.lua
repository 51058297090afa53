-- Changes the flags of messages (RFC 3501 6.4.6 STORE).
-- KEYS: meta, flags, log
-- ARGV: route (see announce), namespace, the caller's known MODSEQ and
--       UIDVALIDITY, mode (replace/add/remove), flags joined by spaces,
--       UIDs...
-- Returns {UID, new flags pairs flattened for every existing message,
-- the mailbox's state as describe (_lib.lua) says}, or nil when the
-- mailbox no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end

local function parse(text)
  local set, size = {}, 0
  for flag in string.gmatch(text, '%S+') do
    if not set[flag] then
      set[flag] = true
      size = size + 1
    end
  end
  return set, size
end

local function apply(current, change, mode)
  if mode == 'replace' then
    return change
  end
  local result = {}
  for flag in pairs(current) do
    result[flag] = true
  end
  for flag in pairs(change) do
    result[flag] = (mode == 'add') or nil
  end
  return result
end

local function render(set)
  local list = {}
  for flag in pairs(set) do
    list[#list + 1] = flag
  end
  return table.concat(list, ' ')
end

local change = parse(ARGV[6])
local result, changed = {}, {}
for i = 7, #ARGV do
  local stored = redis.call('HGET', KEYS[2], ARGV[i])
  if stored then
    local current, size = parse(stored)
    local text = render(apply(current, change, ARGV[5]))
    local new, new_size = parse(text)
    local same = size == new_size
    for flag in pairs(new) do
      same = same and current[flag] == true
    end
    if not same then
      redis.call('HSET', KEYS[2], ARGV[i], text)
      changed[#changed + 1] = ARGV[i]
    end
    result[#result + 1] = tonumber(ARGV[i])
    result[#result + 1] = text
  end
end
if #changed > 0 then
  record_change(KEYS[1], KEYS[3], ARGV[2], ARGV[1], changed)
end
return {result, describe(KEYS[1], KEYS[2], KEYS[3], ARGV[3], ARGV[4])}
