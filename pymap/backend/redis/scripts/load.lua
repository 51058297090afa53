-- Reads messages for FETCH in one round trip: the records of the UIDs and,
-- while their sizes fit the byte budget (the first always fits), the
-- contents of the leading messages that exist; the caller reads the
-- other contents in bounded batches.
-- KEYS: msgs
-- ARGV: user base, byte budget, UIDs...
-- Returns {records (nil: no such message), contents}.
local records = redis.call('HMGET', KEYS[1], unpack(ARGV, 3))
local contents, budget = {}, tonumber(ARGV[2])
for _, record in ipairs(records) do
  if record then
    local size = tonumber(string.match(record, ' (%d+) '))
    if #contents > 0 and size > budget then
      break
    end
    budget = budget - size
    contents[#contents + 1] = redis.call('GET', ARGV[1] .. 'content:'
                                         .. digest_of(record))
  end
end
return {records, contents}
