// The Redis task store's writes, as Lua scripts: each runs atomically in Redis
// (several mc processes share the keys) and in one round trip. ARGV[1] is the
// key prefix P. Keys: P:task:<id> (hash; first_seq 0: its stream is not
// recorded), P:events:<id> (stream, one entry per appendEvents batch
// (event-batch.ts), entry id "<its last seq>-0", fields f = its first seq,
// b = its bytes, t = running totals of its events' bytes, 8 hex digits each,
// p = payload; its events before the hash's first_seq are dropped already),
// P:running:<owner> (set of its unfinished tasks), P:owners (set), P:kept
// (finished tasks still holding output, by finish time), P:kept-bytes (hash
// id → bytes), P:kept-total. Every change is published on the channel P:task:<id>.

/** Finishes one unfinished task; shared by finish and failOwner. */
const FINISH_ONE = `
local function finish_one(P, id, status, output, err, output_bytes, now, max_age)
  local key = P .. ':task:' .. id
  local st = redis.call('HMGET', key, 'owner', 'finished_at', 'event_bytes')
  if not st[1] or st[2] then return false end
  redis.call('HSET', key, 'status', status, 'finished_at', now, 'output_bytes', output_bytes)
  if output then redis.call('HSET', key, 'output', output) end
  if err then redis.call('HSET', key, 'error', err) end
  redis.call('SREM', P .. ':running:' .. st[1], id)
  local bytes = tonumber(output_bytes) + tonumber(st[3])
  redis.call('ZADD', P .. ':kept', now, id)
  redis.call('HSET', P .. ':kept-bytes', id, bytes)
  redis.call('INCRBY', P .. ':kept-total', bytes)
  redis.call('PEXPIRE', key, max_age)
  redis.call('PEXPIRE', P .. ':events:' .. id, max_age)
  redis.call('PUBLISH', key, 'f')
  return true
end
`

export const SCRIPTS = {
  /** ARGV: P, id, workflow_id, owner, now → 1, or 0 when the id exists. */
  create: `
local P, id, owner = ARGV[1], ARGV[2], ARGV[4]
local key = P .. ':task:' .. id
if redis.call('EXISTS', key) == 1 then return 0 end
redis.call('HSET', key, 'task_id', id, 'workflow_id', ARGV[3], 'status', 'pending', 'streamed', 0, 'owner', owner,
  'created_at', ARGV[5], 'first_seq', 1, 'last_seq', 0, 'event_bytes', 0, 'output_bytes', 0)
redis.call('SADD', P .. ':running:' .. owner, id)
redis.call('SADD', P .. ':owners', owner)
redis.call('PUBLISH', key, 'c')
return 1`,

  /** ARGV: P, id, only-when-status ('' for any), then fields and values: sets them in an unfinished task. */
  update: `
local key = ARGV[1] .. ':task:' .. ARGV[2]
local st = redis.call('HMGET', key, 'status', 'finished_at')
if not st[1] or st[2] or (ARGV[3] ~= '' and st[1] ~= ARGV[3]) then return 0 end
redis.call('HSET', key, unpack(ARGV, 4))
redis.call('PUBLISH', key, 'u')
return 1`,

  /** ARGV: P, id, new owner → 1, or 0 when the task is unknown or finished. */
  claim: `
local P, id, owner = ARGV[1], ARGV[2], ARGV[3]
local key = P .. ':task:' .. id
local st = redis.call('HMGET', key, 'owner', 'finished_at')
if not st[1] or st[2] then return 0 end
redis.call('SREM', P .. ':running:' .. st[1], id)
redis.call('HSET', key, 'owner', owner)
redis.call('SADD', P .. ':running:' .. owner, id)
redis.call('SADD', P .. ':owners', owner)
redis.call('PUBLISH', key, 'u')
return 1`,

  /** ARGV: P, id, status, has-output (1/0), output, error ('' for none), output bytes, now, max age ms → 1, or 0 when finished already. */
  finish: `${FINISH_ONE}
local output = nil
if ARGV[4] == '1' then output = ARGV[5] end
local err = nil
if ARGV[3] == 'failed' then err = ARGV[6] end
if finish_one(ARGV[1], ARGV[2], ARGV[3], output, err, ARGV[7], ARGV[8], ARGV[9]) then return 1 end
return 0`,

  /**
   * ARGV: P, owner, error, error bytes, now, max age ms, gone (1: known gone, heartbeat or not)
   * → how many of the owner's unfinished tasks failed (none while its heartbeat lives, unless known gone).
   */
  failOwner: `${FINISH_ONE}
local P, owner = ARGV[1], ARGV[2]
if ARGV[7] ~= '1' and redis.call('EXISTS', P .. ':owner:' .. owner) == 1 then return 0 end
local running = P .. ':running:' .. owner
local failed = 0
for _, id in ipairs(redis.call('SMEMBERS', running)) do
  if finish_one(P, id, 'failed', nil, ARGV[3], ARGV[4], ARGV[5], ARGV[6]) then failed = failed + 1 end
end
redis.call('DEL', running, P .. ':owner:' .. owner)
redis.call('SREM', P .. ':owners', owner)
return failed`,

  /**
   * ARGV: P, id, max stream bytes, the batch's first seq, its last, its bytes, the seq it is kept from (the
   * caller drops the oldest events of a batch larger than the bound), the bytes kept, their running totals,
   * payload. Stores the kept events as one entry, dropping the oldest recorded events beyond the bound.
   */
  append: `
local P, id, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key, stream = P .. ':task:' .. id, P .. ':events:' .. id
local st = redis.call('HMGET', key, 'last_seq', 'first_seq', 'event_bytes', 'finished_at')
if not st[1] then return redis.error_reply('task store: no task "' .. id .. '" to record events of') end
if st[4] then return 0 end
local last, first, recorded = tonumber(st[1]), tonumber(st[2]), tonumber(st[3])
if tonumber(ARGV[4]) ~= last + 1 then
  return redis.error_reply('task store: task "' .. id .. '" records event ' .. (last + 1) .. ' next, not ' .. ARGV[4])
end
local batch_last, kept_from, kept_bytes = tonumber(ARGV[5]), tonumber(ARGV[7]), tonumber(ARGV[8])
local excess = recorded + tonumber(ARGV[6]) - max
local function before(totals, index)
  if index <= 0 then return 0 end
  return tonumber(string.sub(totals, index * 8 - 7, index * 8), 16)
end
local new_first = first
while excess > 0 and recorded > 0 do
  local entries = redis.call('XRANGE', stream, new_first .. '-0', '+', 'COUNT', 4)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    if excess <= 0 then break end
    local entry_first, totals = tonumber(entry[2][2]), entry[2][6]
    local index = math.max(0, new_first - entry_first)
    local kept = tonumber(entry[2][4]) - before(totals, index)
    if kept <= excess then
      excess, recorded = excess - kept, recorded - kept
      new_first = tonumber(string.match(entry[1], '^(%d+)')) + 1
    else
      while excess > 0 do
        local bytes = before(totals, index + 1) - before(totals, index)
        excess, recorded, index = excess - bytes, recorded - bytes, index + 1
      end
      new_first = entry_first + index
    end
  end
end
if new_first > first then redis.call('XTRIM', stream, 'MINID', new_first .. '-0') end
-- Still over: every recorded event went, and the batch is kept from where the caller cut it.
if excess > 0 then new_first = kept_from end
if kept_from <= batch_last then
  redis.call('XADD', stream, batch_last .. '-0', 'f', kept_from, 'b', kept_bytes, 't', ARGV[9], 'p', ARGV[10])
  recorded = recorded + kept_bytes
end
redis.call('HSET', key, 'last_seq', batch_last, 'first_seq', new_first, 'event_bytes', recorded)
redis.call('PUBLISH', key, 'e')
return 1`,

  /**
   * ARGV: P, id, after seq, limit → {first seq, last seq, then each entry holding events after the seq (up to
   * the limit): its first seq and payload}, from one snapshot. A stream not recorded: {0, last seq}.
   */
  read: `
local st = redis.call('HMGET', ARGV[1] .. ':task:' .. ARGV[2], 'first_seq', 'last_seq')
if not st[1] then return {1, 0} end
local first, last = tonumber(st[1]), tonumber(st[2])
local out = {first, last}
if first == 0 then return out end
local from = math.max(tonumber(ARGV[3]) + 1, first)
local to = math.min(from + tonumber(ARGV[4]) - 1, last)
if from > to then return out end
local stream, start, count = ARGV[1] .. ':events:' .. ARGV[2], from .. '-0', 1
while true do
  local entries = redis.call('XRANGE', stream, start, '+', 'COUNT', count)
  for _, entry in ipairs(entries) do
    out[#out + 1] = entry[2][2]
    out[#out + 1] = entry[2][8]
    if tonumber(string.match(entry[1], '^(%d+)')) >= to then return out end
    start = '(' .. entry[1]
  end
  if #entries < count then return out end
  count = math.min(count * 2, 64)
end`,

  /**
   * ARGV: P, now, max age ms, max bytes, tombstone reason's tail, task limit → 1 when work is left.
   * Forgets expired finished tasks (Redis expires their keys itself), then drops the oldest outputs beyond max bytes.
   */
  sweep: `
local P, now, max_age, max_bytes, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6])
local kept, sizes, total_key = P .. ':kept', P .. ':kept-bytes', P .. ':kept-total'
local done = 0
local function forget(id)
  local bytes = tonumber(redis.call('HGET', sizes, id) or '0')
  redis.call('ZREM', kept, id)
  redis.call('HDEL', sizes, id)
  done = done + 1
  return redis.call('DECRBY', total_key, bytes)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', kept, '-inf', '(' .. (now - max_age), 'LIMIT', 0, limit)) do
  redis.call('DEL', P .. ':task:' .. id, P .. ':events:' .. id)
  forget(id)
end
local total = tonumber(redis.call('GET', total_key) or '0')
while total > max_bytes and done < limit do
  local oldest = redis.call('ZRANGE', kept, 0, 31)
  if #oldest == 0 then
    redis.call('SET', total_key, 0)
    break
  end
  for _, id in ipairs(oldest) do
    if total <= max_bytes or done >= limit then break end
    local key = P .. ':task:' .. id
    local st = redis.call('HMGET', key, 'status', 'last_seq')
    if st[1] then
      redis.call('HDEL', key, 'output')
      redis.call('HSET', key, 'dropped', 'task "' .. id .. '" ' .. st[1] .. ARGV[5], 'output_bytes', 0, 'event_bytes', 0, 'first_seq', tonumber(st[2]) + 1)
      redis.call('DEL', P .. ':events:' .. id)
      redis.call('PUBLISH', key, 'd')
    end
    total = forget(id)
  end
end
if done >= limit then return 1 end
return 0`,
}

export type ScriptName = keyof typeof SCRIPTS
