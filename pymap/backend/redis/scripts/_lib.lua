-- Helpers shared by the scripts of the redis backend; scripts.py puts this
-- file in front of every script (doc/redis.md, "Atomicity").

-- How many changes a mailbox's log keeps for incremental snapshots.
local LOG_LENGTH = 1000

-- Records one change of a mailbox: raises its MODSEQ by one, logs the
-- touched UIDs as the entry of the new MODSEQ (so entry i of the log is
-- always MODSEQ modseq - LLEN + i) and announces "<namespace> <modseq>".
local function record_change(meta, log, namespace, channel, uids)
  local modseq = redis.call('HINCRBY', meta, 'modseq', 1)
  redis.call('RPUSH', log, table.concat(uids, ' '))
  redis.call('LTRIM', log, -LOG_LENGTH, -1)
  redis.call('PUBLISH', channel, namespace .. ' ' .. modseq)
  return modseq
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
