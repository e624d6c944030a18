// The Redis task store's writes, as Lua scripts: each runs atomically in Redis
// (several mc processes share the keys) and in one round trip. ARGV[1] is the
// key prefix P. Keys: P:task:<id> (hash), P:events:<id> (stream, entry id
// "<seq>-0", fields b = bytes, d = data, e = event), P:running:<owner> (set of
// its unfinished tasks), P:owners (set), P:kept (finished tasks still holding
// output, by finish time), P:kept-bytes (hash id → bytes), P:kept-total.
// Every change is published on the channel P:task:<id>.

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

  /** ARGV: P, id, field, value, only-when-status ('' for any): sets one field of an unfinished task. */
  update: `
local key = ARGV[1] .. ':task:' .. ARGV[2]
local st = redis.call('HMGET', key, 'status', 'finished_at')
if not st[1] or st[2] or (ARGV[5] ~= '' and st[1] ~= ARGV[5]) then return 0 end
redis.call('HSET', key, ARGV[3], ARGV[4])
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
   * ARGV: P, id, max stream bytes, then per event: seq, bytes, data, has-event (1/0), event.
   * Appends, trimming the oldest events (recorded, then the batch's own) beyond the bound.
   */
  append: `
local P, id, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key, stream = P .. ':task:' .. id, P .. ':events:' .. id
local st = redis.call('HMGET', key, 'last_seq', 'first_seq', 'event_bytes', 'finished_at')
if not st[1] then return redis.error_reply('task store: no task "' .. id .. '" to record events of') end
if st[4] then return 0 end
local last, first, recorded = tonumber(st[1]), tonumber(st[2]), tonumber(st[3])
local n = (#ARGV - 3) / 5
local excess = recorded - max
for i = 0, n - 1 do
  local seq = tonumber(ARGV[4 + i * 5])
  if seq ~= last + 1 + i then
    return redis.error_reply('task store: task "' .. id .. '" records event ' .. (last + 1 + i) .. ' next, not ' .. ARGV[4 + i * 5])
  end
  excess = excess + tonumber(ARGV[5 + i * 5])
end
local new_first = first
while excess > 0 and recorded > 0 do
  local entries = redis.call('XRANGE', stream, new_first .. '-0', '+', 'COUNT', 256)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    if excess <= 0 then break end
    local bytes = tonumber(entry[2][2])
    excess, recorded = excess - bytes, recorded - bytes
    new_first = tonumber(string.match(entry[1], '^(%d+)')) + 1
  end
end
if new_first > first then redis.call('XTRIM', stream, 'MINID', new_first .. '-0') end
for i = 0, n - 1 do
  local seq, bytes = ARGV[4 + i * 5], tonumber(ARGV[5 + i * 5])
  if excess > 0 then
    excess, new_first = excess - bytes, tonumber(seq) + 1
  elseif ARGV[7 + i * 5] == '1' then
    redis.call('XADD', stream, seq .. '-0', 'b', bytes, 'd', ARGV[6 + i * 5], 'e', ARGV[8 + i * 5])
    recorded = recorded + bytes
  else
    redis.call('XADD', stream, seq .. '-0', 'b', bytes, 'd', ARGV[6 + i * 5])
    recorded = recorded + bytes
  end
end
redis.call('HSET', key, 'last_seq', last + n, 'first_seq', new_first, 'event_bytes', recorded)
redis.call('PUBLISH', key, 'e')
return 1`,

  /** ARGV: P, id, after seq, limit → {first seq, last seq, entries} from one snapshot. */
  read: `
local st = redis.call('HMGET', ARGV[1] .. ':task:' .. ARGV[2], 'first_seq', 'last_seq')
if not st[1] then return {1, 0, {}} end
local entries = redis.call('XRANGE', ARGV[1] .. ':events:' .. ARGV[2], '(' .. ARGV[3] .. '-0', '+', 'COUNT', ARGV[4])
return {tonumber(st[1]), tonumber(st[2]), entries}`,

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
