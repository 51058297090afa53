-- Appends messages to a mailbox, all or none (RFC 3501 6.3.11, RFC 3502).
-- KEYS: meta, flags, msgs, log, refs
-- ARGV: route (see announce), user base, namespace, hold (1: raise the
--       \Recent mark to the last new UID for the caller, claims.py), the
--       caller's known MODSEQ and UIDVALIDITY, count, then per message:
--       digest, size, internal date, flags, and the key its content was
--       staged under just before (scripts.py)
-- A staged content becomes the content of its digest, or is dropped when
-- the user has that content already.
-- Returns {{the new UIDs, the mark before a raise held for the caller or
-- nil}, the mailbox's state as describe (_lib.lua) says, with the mark as
-- it was before such a raise}, or nil when the mailbox no longer exists;
-- a STAGEDGONE error, with nothing changed, when a staged content expired
-- before the script ran.
local count = tonumber(ARGV[7])
local function staged(i)
  return ARGV[12 + i * 5]
end
local function drop_staged()
  for i = 0, count - 1 do
    redis.call('DEL', staged(i))
  end
end
local head = redis.call('HMGET', KEYS[1], 'uidvalidity', 'uidnext',
                        'modseq', 'recent')
if not head[1] then
  drop_staged()
  return false
end
for i = 0, count - 1 do
  if redis.call('EXISTS', staged(i)) == 0 then
    drop_staged()
    return redis.error_reply('STAGEDGONE a message expired before its '
                             .. 'APPEND ran')
  end
end
local uid, uids, stored = tonumber(head[2]), {}, {}
for i = 0, count - 1 do
  local at = 8 + i * 5
  local digest = ARGV[at]
  if redis.call('HINCRBY', KEYS[5], digest, 1) == 1 then
    local content = ARGV[2] .. 'content:' .. digest
    redis.call('RENAME', staged(i), content)
    redis.call('PERSIST', content)
  else
    redis.call('DEL', staged(i))
  end
  local text = decimal(uid)
  redis.call('HSET', KEYS[3], text,
             digest .. ' ' .. ARGV[at + 1] .. ' ' .. ARGV[at + 2])
  redis.call('HSET', KEYS[2], text, ARGV[at + 3])
  uids[#uids + 1] = text
  stored[text] = ARGV[at + 3]
  uid = uid + 1
end
local modseq = tonumber(head[3]) + 1
local counters, held = {'uidnext', decimal(uid), 'modseq',
                        decimal(modseq)}, false
if ARGV[4] == '1' and #uids > 0 then
  held = tonumber(head[4])
  counters[5], counters[6] = 'recent', uids[#uids]
end
redis.call('HSET', KEYS[1], unpack(counters))
log_change(KEYS[4], ARGV[3], ARGV[1], uids, modseq, stored)
head[2], head[3] = uid, modseq
return {{uids, held}, describe(KEYS[1], KEYS[2], KEYS[4], ARGV[5], ARGV[6],
                               head)}
