-- Creates a mailbox (RFC 3501 6.3.3) under a new random id, with a
-- UIDVALIDITY above every earlier one of the user (RFC 3501 2.3.1.1).
-- KEYS: mailboxes, uidvalidity, trash
-- ARGV: user base, name, current UNIX time, new mailbox id
-- Returns {1 if created / 0 if it already existed, mailboxes to purge}.
local current = redis.call('HGET', KEYS[1], ARGV[2])
local trash = redis.call('SCARD', KEYS[3])
if current and current ~= '' then
  return {0, trash}
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local validity = math.max(tonumber(ARGV[3]), last + 1)
redis.call('SET', KEYS[2], validity)
redis.call('HSET', ARGV[1] .. 'mbx:' .. ARGV[4] .. ':meta', 'uidvalidity',
           validity, 'uidnext', 1, 'modseq', 0, 'recent', 0)
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
return {1, trash}
