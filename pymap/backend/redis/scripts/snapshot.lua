-- The state of a mailbox in one round trip, relative to the MODSEQ the
-- caller already knows (doc/redis.md, "Snapshots").
-- KEYS: meta, flags, log
-- ARGV: the known MODSEQ and UIDVALIDITY, or -1 and -1
-- Returns nil when the mailbox no longer exists, else
--   {uidvalidity, uidnext, modseq, recent}, 'same'
--   {...}, 'delta', touched UIDs, their flags (nil: expunged)
--   {...}, 'full', UID, flags, UID, flags, ...
local head = redis.call('HMGET', KEYS[1], 'uidvalidity', 'uidnext',
                        'modseq', 'recent')
if not head[1] then
  return false
end
local modseq = tonumber(head[3])
local known = tonumber(ARGV[1])
if head[1] ~= ARGV[2] then
  known = -1
end
if known == modseq then
  return {head, 'same'}
end
local missing = modseq - known
if known >= 0 and missing > 0 and missing <= redis.call('LLEN', KEYS[3]) then
  local seen, uids, flags = {}, {}, {}
  for _, entry in ipairs(redis.call('LRANGE', KEYS[3], -missing, -1)) do
    for uid in string.gmatch(entry, '%d+') do
      if not seen[uid] then
        seen[uid] = true
        uids[#uids + 1] = uid
        flags[#uids] = redis.call('HGET', KEYS[2], uid)
      end
    end
  end
  return {head, 'delta', uids, flags}
end
return {head, 'full', redis.call('HGETALL', KEYS[2])}
