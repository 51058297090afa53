-- Copies or moves messages to another mailbox of the same user
-- (RFC 3501 6.4.7, RFC 6851 MOVE), with their flags and dates.
-- KEYS: source meta, flags, msgs, log, target meta, flags, msgs, log, refs
-- ARGV: route (see announce), source namespace, target namespace, move
--       (0/1), the caller's known MODSEQ and UIDVALIDITY of the source,
--       then of the target, UIDs...
-- Returns {source UID, target UID pairs flattened, the state of the
-- source, of the target, as describe (_lib.lua) says}, or nil when either
-- mailbox no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[5]) == 0
then
  return false
end
local move = ARGV[4] == '1'
local result, moved, added = {}, {}, {}
for i = 9, #ARGV do
  local uid = ARGV[i]
  local record = redis.call('HGET', KEYS[3], uid)
  if record then
    local flags = redis.call('HGET', KEYS[2], uid)
    local new = redis.call('HINCRBY', KEYS[5], 'uidnext', 1) - 1
    local text = decimal(new)
    redis.call('HSET', KEYS[7], text, record)
    redis.call('HSET', KEYS[6], text, flags)
    if move then
      redis.call('HDEL', KEYS[3], uid)
      redis.call('HDEL', KEYS[2], uid)
      moved[#moved + 1] = uid
    else
      redis.call('HINCRBY', KEYS[9], digest_of(record), 1)
    end
    added[#added + 1] = text
    result[#result + 1] = tonumber(uid)
    result[#result + 1] = new
  end
end
if #added > 0 then
  if move then
    record_change(KEYS[1], KEYS[4], ARGV[2], ARGV[1], moved)
  end
  record_change(KEYS[5], KEYS[8], ARGV[3], ARGV[1], added)
end
return {result, describe(KEYS[1], KEYS[2], KEYS[4], ARGV[5], ARGV[6]),
        describe(KEYS[5], KEYS[6], KEYS[8], ARGV[7], ARGV[8])}
