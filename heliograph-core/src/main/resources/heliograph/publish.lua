-- Heliograph publish script (PROTOCOL.md section 3): one or several events of ONE channel, in
-- order, in one atomic call, so the offsets, the history entries, the Pub/Sub frames and the
-- idempotency records can never disagree or interleave with another publisher's.
--
-- KEYS[1] hg:{C}:offset   KEYS[2] hg:{C}:epoch   KEYS[3] hg:{C}:history   KEYS[4] hg:{C}
-- KEYS[5..] hg:{C}:idem:<scope>:<id>, the idempotency records of the events that have one
-- ARGV[1] channel name (validated by the caller: no characters that need JSON escaping)
-- ARGV[2] history size (0 = keep none)
-- ARGV[3] TTL of the channel keys, seconds
-- ARGV[4] epoch to use if the channel has none (random, chosen by the caller)
-- ARGV[5] PUBLISH or SPUBLISH (Redis Cluster sharded Pub/Sub)
-- ARGV[6] TTL of an idempotency record, milliseconds
-- then per event, in publish order: ARGV[7+2i] encoded CloudEvents envelope (JSON),
--   ARGV[8+2i] index into KEYS of its idempotency record, 0 when it has none
-- returns { {epoch, offset, duplicate}, ... }, one per event, in order; duplicate is 1 when the
--   event's record already existed: nothing was published and {epoch, offset} is the first result
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  -- A new sequence: whatever is left of an old one must not be mixed into it.
  epoch = ARGV[4]
  redis.call('SET', KEYS[2], epoch)
  redis.call('DEL', KEYS[1], KEYS[3])
elseif redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[3]) == 1 then
  -- The offset vanished under a surviving history: offsets would repeat, so restart.
  epoch = ARGV[4]
  redis.call('SET', KEYS[2], epoch)
  redis.call('DEL', KEYS[3])
end
local size = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local prefix = '{"op":"event","channel":"' .. ARGV[1] .. '","epoch":"' .. epoch .. '","offset":'
local results = {}
for i = 7, #ARGV, 2 do
  local record = tonumber(ARGV[i + 1])
  local first = record > 0 and redis.call('GET', KEYS[record])
  if first then
    local space = string.find(first, ' ', 1, true)
    results[#results + 1] = { string.sub(first, 1, space - 1), tonumber(string.sub(first, space + 1)), 1 }
  else
    local offset = redis.call('INCR', KEYS[1])
    local id = string.format('%d', offset)
    local frame = prefix .. id .. ',"event":' .. ARGV[i] .. '}'
    if size > 0 then
      redis.call('XADD', KEYS[3], 'MAXLEN', size, id .. '-0', 'frame', frame)
    end
    redis.call(ARGV[5], KEYS[4], frame)
    if record > 0 then
      redis.call('SET', KEYS[record], epoch .. ' ' .. id, 'PX', ARGV[6])
    end
    results[#results + 1] = { epoch, offset, 0 }
  end
end
if size > 0 then
  redis.call('EXPIRE', KEYS[3], ttl)
end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return results
