-- Heliograph fleet-wide token bucket: one per limited name, shared by every process that enforces it,
-- taken from in leases (a process keeps the tokens it took for its next requests).
--
-- KEYS[1] the bucket, a hash {tokens, at}; one key per call, so any Redis Cluster slot will do
-- ARGV[1] refill rate, tokens per second   ARGV[2] capacity (the burst)
-- ARGV[3] need: the fewest tokens worth taking   ARGV[4] want: the most to take
-- returns { granted, wait }: granted is between need and want, or 0 and wait is the milliseconds
--   until need tokens are there (nothing is taken then)
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local need = tonumber(ARGV[3])
local want = tonumber(ARGV[4])
-- Redis's clock, not the callers': every process of the fleet refills by the same time.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
local granted = 0
local wait = 0
if tokens >= need then
  granted = math.min(want, math.floor(tokens))
  tokens = tokens - granted
else
  wait = math.ceil((need - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
-- A bucket left alone refills completely by then; gone, it starts full again, the same thing.
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return { granted, wait }
