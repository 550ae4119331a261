-- A channel's position and the frames a subscriber needs, read atomically (PROTOCOL.md sections 3-4).
-- KEYS[1] hg:{C}:epoch   KEYS[2] hg:{C}:offset   KEYS[3] hg:{C}:history
-- ARGV[1] epoch to create if the channel has none (same rule as the publish script: SET NX + TTL)
-- ARGV[2] TTL seconds
-- ARGV[3] mode: 'since' (frames after ARGV[5] in epoch ARGV[4]), 'snapshot' (latest frame),
--               'latest' (last ARGV[5] frames, oldest first), 'none'
-- ARGV[4] the client's epoch (mode since)
-- ARGV[5] the client's offset (mode since) or a count (mode latest)
-- ARGV[6] whether to fall back to the snapshot when 'since' cannot be served ('1' or '0')
-- returns { epoch, offset, recovered (1/0), frames... }
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', tonumber(ARGV[2])) then
  -- A fresh epoch: remove leftovers so the publish script does not mix sequences.
  redis.call('DEL', KEYS[2], KEYS[3])
end
local epoch = redis.call('GET', KEYS[1])
local offset = tonumber(redis.call('GET', KEYS[2]) or '0')
local result = { epoch, offset, 0 }
local mode = ARGV[3]
if mode == 'since' then
  local since = tonumber(ARGV[5])
  if ARGV[4] == epoch and since ~= nil and since >= 0 and since <= offset then
    if since == offset then
      result[3] = 1
      return result
    end
    local entries = redis.call('XRANGE', KEYS[3], string.format('%d', since + 1) .. '-0', '+')
    if #entries > 0 and entries[1][1] == string.format('%d', since + 1) .. '-0' then
      result[3] = 1
      for i = 1, #entries do
        result[#result + 1] = entries[i][2][2]
      end
      return result
    end
  end
  if ARGV[6] ~= '1' then
    return result
  end
  mode = 'snapshot'
end
if mode == 'snapshot' then
  local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
  if #last > 0 then
    result[4] = last[1][2][2]
  end
elseif mode == 'latest' then
  local entries = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', tonumber(ARGV[5]))
  for i = #entries, 1, -1 do
    result[#result + 1] = entries[i][2][2]
  end
end
return result
