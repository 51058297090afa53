-- Removes messages (RFC 3501 6.4.3 EXPUNGE, RFC 4315 UID EXPUNGE) and the
-- content no other message refers to.
-- KEYS: meta, flags, msgs, log, refs
-- ARGV: route (see announce), user base, namespace, the caller's known
--       MODSEQ and UIDVALIDITY, UIDs...
-- Returns {the removed UIDs, the mailbox's state as describe (_lib.lua)
-- says}, or nil when the mailbox no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local removed = {}
for i = 6, #ARGV do
  local record = redis.call('HGET', KEYS[3], ARGV[i])
  if record then
    redis.call('HDEL', KEYS[3], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    release(KEYS[5], ARGV[2], digest_of(record))
    removed[#removed + 1] = ARGV[i]
  end
end
if #removed > 0 then
  record_change(KEYS[1], KEYS[4], ARGV[3], ARGV[1], removed)
end
return {removed, describe(KEYS[1], KEYS[2], KEYS[4], ARGV[4], ARGV[5])}
