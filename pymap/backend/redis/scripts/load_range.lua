-- Reads part of a message for a FETCH of body parts: the octets from start
-- to end (exclusive) of its content, when the content is stored in CRLF
-- form, its length being the RFC822.SIZE its record gives.
-- KEYS: msgs
-- ARGV: user base, UID, start, end
-- Returns the octets, or nil when there is no such message or its content
-- is not in CRLF form.
local record = redis.call('HGET', KEYS[1], ARGV[2])
if not record then
  return false
end
local content = ARGV[1] .. 'content:' .. digest_of(record)
local size = tonumber(string.match(record, ' (%d+) '))
if redis.call('STRLEN', content) ~= size then
  return false
end
local first, last = tonumber(ARGV[3]), tonumber(ARGV[4]) - 1
if last < first then
  return ''
end
return redis.call('GETRANGE', content, first, last)
