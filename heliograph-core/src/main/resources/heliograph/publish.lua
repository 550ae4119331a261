-- Heliograph publish script (PROTOCOL.md section 3). Runs atomically, so the offset,
-- the history entry and the Pub/Sub frame can never disagree or interleave.
--
-- KEYS[1] hg:{C}:offset   KEYS[2] hg:{C}:epoch   KEYS[3] hg:{C}:history   KEYS[4] hg:{C}
-- ARGV[1] channel name (validated by the caller: no characters that need JSON escaping)
-- ARGV[2] encoded CloudEvents envelope (JSON)
-- ARGV[3] history size (0 = keep none)
-- ARGV[4] TTL of the channel keys, seconds
-- ARGV[5] epoch to use if the channel has none (random, chosen by the caller)
-- ARGV[6] PUBLISH or SPUBLISH (Redis Cluster sharded Pub/Sub)
-- returns { epoch, offset }
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  -- A new sequence: whatever is left of an old one must not be mixed into it.
  epoch = ARGV[5]
  redis.call('SET', KEYS[2], epoch)
  redis.call('DEL', KEYS[1], KEYS[3])
elseif redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[3]) == 1 then
  -- The offset vanished under a surviving history: offsets would repeat, so restart.
  epoch = ARGV[5]
  redis.call('SET', KEYS[2], epoch)
  redis.call('DEL', KEYS[3])
end
local offset = redis.call('INCR', KEYS[1])
local frame = '{"op":"event","channel":"' .. ARGV[1] .. '","epoch":"' .. epoch ..
  '","offset":' .. string.format('%d', offset) .. ',"event":' .. ARGV[2] .. '}'
local size = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
if size > 0 then
  redis.call('XADD', KEYS[3], 'MAXLEN', size, string.format('%d', offset) .. '-0', 'frame', frame)
  redis.call('EXPIRE', KEYS[3], ttl)
end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call(ARGV[6], KEYS[4], frame)
return { epoch, offset }
