-- One bounded step of emptying a user's trash: releases the content of up
-- to a batch of messages of one deleted mailbox. When the trash is empty
-- and the user is gone, the user's last keys go too.
-- KEYS: trash, refs, mailboxes, uidvalidity
-- ARGV: user base, batch size
-- Returns 1 while work remains, else 0.
local id = redis.call('SRANDMEMBER', KEYS[1])
if id then
  local msgs = ARGV[1] .. 'mbx:' .. id .. ':msgs'
  local batch = redis.call('HRANDFIELD', msgs, ARGV[2], 'WITHVALUES')
  for i = 1, #batch, 2 do
    release(KEYS[2], ARGV[1], digest_of(batch[i + 1]))
    redis.call('HDEL', msgs, batch[i])
  end
  if redis.call('EXISTS', msgs) == 0 then
    redis.call('SREM', KEYS[1], id)
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 1
end
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[4])
end
return 0
