-- Helpers shared by the scripts of the redis backend; scripts.py puts this
-- file in front of every script (doc/redis.md, "Atomicity").

-- How many changes a mailbox's log keeps for incremental snapshots.
local LOG_LENGTH = 1000
-- How far the log may grow past LOG_LENGTH before it is trimmed back: one
-- LTRIM per this many changes instead of one per change.
local LOG_SLACK = 100

-- An integer as a decimal string. Lua's own conversion, and redis.call's
-- of a number argument, print numbers as floating point through the C
-- library, which costs Redis 0.1 to 0.2 µs each; '%d' does not.
local function decimal(number)
  return string.format('%d', number)
end

-- Announces to every other pymap process "<namespace> <what>": a MODSEQ
-- (the mailbox changed), "recent:<mark>" (its \Recent mark rose) or
-- "deleted" (doc/redis.md, "Notifications"). route is the channel, and
-- after a space the hex token that names the caller's listener's own
-- channel, <channel>:<token>: when each of the two has one subscriber,
-- that listener is the only one (notify.py, Notifier.route), and its
-- process learns of the change from the script's answer. (The channel
-- may hold spaces, from the key prefix, but always ends in ":changes".)
local function announce(route, namespace, what)
  local channel, token = string.match(route, '^(.*) (%x+)$')
  if not channel then
    channel = route
  else
    local counts = redis.call('PUBSUB', 'NUMSUB', channel,
                              channel .. ':' .. token)
    if counts[2] == 1 and counts[4] == 1 then
      return
    end
  end
  redis.call('PUBLISH', channel, namespace .. ' ' .. what)
end

-- Per log key, the MODSEQ, touched UIDs and, when the caller gave them,
-- their stored flags (by UID) this run of the script logged last:
-- describe reads them rather than the log and the flags.
local recorded = {}

-- Logs one change of a mailbox whose MODSEQ the caller raised to modseq:
-- the touched UIDs become the entry of the new MODSEQ (so entry i of the
-- log is always MODSEQ modseq - LLEN + i), and the new MODSEQ is
-- announced. uids are decimal strings (see decimal). stored, if given,
-- holds the flags the caller stored for each touched UID.
local function log_change(log, namespace, route, uids, modseq, stored)
  if redis.call('RPUSH', log, table.concat(uids, ' '))
      > LOG_LENGTH + LOG_SLACK then
    redis.call('LTRIM', log, -LOG_LENGTH, -1)
  end
  recorded[log] = {modseq, uids, stored}
  announce(route, namespace, decimal(modseq))
end

-- Records one change of a mailbox: raises its MODSEQ by one and logs it.
local function record_change(meta, log, namespace, route, uids)
  local modseq = redis.call('HINCRBY', meta, 'modseq', 1)
  log_change(log, namespace, route, uids, modseq)
  return modseq
end

-- The UIDs logged for the MODSEQs after known, up to modseq (numbers or
-- strings, repeats possible), and their stored flags by UID when this run
-- of the script knows them; nil when the log does not reach back that
-- far.
local function logged_since(log, known, modseq)
  local latest = recorded[log]
  if latest and latest[1] == modseq and known == modseq - 1 then
    return latest[2], latest[3]
  end
  local missing = modseq - known
  if known < 0 or missing > redis.call('LLEN', log) then
    return nil
  end
  local uids = {}
  for _, entry in ipairs(redis.call('LRANGE', log, -missing, -1)) do
    for uid in string.gmatch(entry, '%d+') do
      uids[#uids + 1] = uid
    end
  end
  return uids
end

-- The state of a mailbox relative to the MODSEQ and UIDVALIDITY the caller
-- already knows (-1 and -1 for nothing), as snapshots.py reads it
-- (doc/redis.md, "Snapshots"): nil when the mailbox no longer exists, else
--   {uidvalidity, uidnext, modseq, recent}, 'same'
--   {...}, 'delta', touched UIDs, their flags (nil: expunged)
--   {...}, 'full', UID, flags, UID, flags, ...
--   {...}, 'head' when the known MODSEQ is 'head': the caller holds no
--   state to bring up to date and wants the counters alone
-- head, if given, is the mailbox's {uidvalidity, uidnext, modseq, recent}
-- as the caller left them, which then need not be read.
local function describe(meta, flags, log, known_modseq, known_validity,
                        head)
  head = head or redis.call('HMGET', meta, 'uidvalidity', 'uidnext',
                            'modseq', 'recent')
  if not head[1] then
    return false
  end
  if known_modseq == 'head' then
    return {head, 'head'}
  end
  local modseq = tonumber(head[3])
  local known = tonumber(known_modseq)
  if head[1] ~= known_validity then
    known = -1
  end
  if known == modseq then
    return {head, 'same'}
  end
  local touched, known_flags = false, nil
  if known < modseq then
    touched, known_flags = logged_since(log, known, modseq)
  end
  if touched then
    local seen, uids, stored = {}, {}, {}
    for _, uid in ipairs(touched) do
      uid = tostring(uid)
      if not seen[uid] then
        seen[uid] = true
        uids[#uids + 1] = uid
        stored[#uids] = known_flags and known_flags[uid]
          or redis.call('HGET', flags, uid)
      end
    end
    return {head, 'delta', uids, stored}
  end
  return {head, 'full', redis.call('HGETALL', flags)}
end

-- Drops one reference to stored content; the last one deletes it. The
-- content key shares the user's hash tag with every key of the caller.
local function release(refs, user_base, digest)
  if redis.call('HINCRBY', refs, digest, -1) <= 0 then
    redis.call('HDEL', refs, digest)
    redis.call('DEL', user_base .. 'content:' .. digest)
  end
end

-- The content digest at the start of a "digest size date" record.
local function digest_of(record)
  return string.sub(record, 1, string.find(record, ' ', 1, true) - 1)
end
