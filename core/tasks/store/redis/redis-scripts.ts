// The Redis task store's writes, as Lua scripts: each runs atomically in Redis
// (several mc processes share the keys) and in one round trip. ARGV[1] is the
// key prefix P. Keys: P:task:<id> (hash; first_seq 0: its stream is not
// recorded; row_bytes: its own memory, as MEMORY USAGE last said),
// P:events:<id> (stream, one entry per appendEvents batch (event-batch.ts),
// entry id "<its last seq>-0", fields f = its first seq, b = its bytes as
// stored, t = running totals of its events' bytes, 8 hex digits each, p =
// payload; its events before the hash's first_seq are dropped already),
// P:running:<owner> (set of its unfinished tasks), P:owners (set), P:streams
// (unfinished tasks that record, by creation time), P:kept (finished tasks
// still holding output, by finish time), P:tombstones (by finish time),
// P:sizes (hash id → the task's bytes as stored, redis/stored-bytes.ts) and
// P:stored-total. Every change is published on the channel P:task:<id>.

import { RECORDING_SCRIPTS } from './recording-scripts.ts'
import { SWEEP_SCRIPT } from './retention-script.ts'
import { STORED_BYTES_LUA } from './stored-bytes.ts'

/** Finishes one unfinished task; shared by finish and failOwner. */
const FINISH_ONE = `${STORED_BYTES_LUA}
local function finish_one(P, id, status, output, truncated, err, now, max_age)
  local key = P .. ':task:' .. id
  local st = redis.call('HMGET', key, 'owner', 'finished_at')
  if not st[1] or st[2] then return false end
  redis.call('HSET', key, 'status', status, 'finished_at', now)
  if output then redis.call('HSET', key, 'output', output) end
  if truncated then redis.call('HSET', key, 'output_truncated', 1) end
  if err then redis.call('HSET', key, 'error', err) end
  redis.call('HDEL', key, 'interrupt', 'suspended')
  redis.call('SREM', P .. ':running:' .. st[1], id)
  redis.call('ZREM', P .. ':streams', id)
  redis.call('ZADD', P .. ':kept', now, id)
  measure_row(P, id, key)
  redis.call('PEXPIRE', key, max_age)
  redis.call('PEXPIRE', P .. ':events:' .. id, max_age)
  redis.call('PUBLISH', key, 'f')
  return true
end
`

export const SCRIPTS = {
  /** ARGV: P, id, workflow_id, owner, now → the store's total bytes, or 0 when the id exists. */
  create: `${STORED_BYTES_LUA}
local P, id, owner = ARGV[1], ARGV[2], ARGV[4]
local key = P .. ':task:' .. id
if redis.call('EXISTS', key) == 1 then return 0 end
redis.call('HSET', key, 'task_id', id, 'workflow_id', ARGV[3], 'status', 'pending', 'streamed', 0, 'owner', owner,
  'created_at', ARGV[5], 'first_seq', 1, 'last_seq', 0, 'event_bytes', 0)
redis.call('SADD', P .. ':running:' .. owner, id)
redis.call('SADD', P .. ':owners', owner)
redis.call('PUBLISH', key, 'c')
add_bytes(P, id, TASK_KEYS_BYTES)
return measure_row(P, id, key)`,

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

  /** ARGV: P, id, status, has-output (1/0), output, truncated (1/0), error ('' for none), now, max age ms → 1, or 0 when finished already. */
  finish: `${FINISH_ONE}
local output = nil
if ARGV[4] == '1' then output = ARGV[5] end
local err = nil
if ARGV[3] == 'failed' then err = ARGV[7] end
if finish_one(ARGV[1], ARGV[2], ARGV[3], output, ARGV[6] == '1', err, ARGV[8], ARGV[9]) then return 1 end
return 0`,

  /**
   * ARGV: P, owner, error, now, max age ms, gone (1: known gone, heartbeat or not)
   * → how many of the owner's unfinished tasks failed (none while its heartbeat lives, unless known gone).
   */
  failOwner: `${FINISH_ONE}
local P, owner = ARGV[1], ARGV[2]
if ARGV[6] ~= '1' and redis.call('EXISTS', P .. ':owner:' .. owner) == 1 then return 0 end
local running = P .. ':running:' .. owner
local failed = 0
for _, id in ipairs(redis.call('SMEMBERS', running)) do
  if finish_one(P, id, 'failed', nil, false, ARGV[3], ARGV[4], ARGV[5]) then failed = failed + 1 end
end
redis.call('DEL', running, P .. ':owner:' .. owner)
redis.call('SREM', P .. ':owners', owner)
return failed`,

  /**
   * ARGV: P, id, point (JSON), state → 1, or 0 unless processing. An interrupted task leaves its
   * owner's running set: its owner going does not fail it.
   */
  interrupt: `${STORED_BYTES_LUA}
local P, id = ARGV[1], ARGV[2]
local key = P .. ':task:' .. id
local st = redis.call('HMGET', key, 'owner', 'status', 'finished_at')
if not st[1] or st[3] or st[2] ~= 'processing' then return 0 end
redis.call('HSET', key, 'status', 'interrupted', 'interrupt', ARGV[3], 'suspended', ARGV[4])
redis.call('SREM', P .. ':running:' .. st[1], id)
measure_row(P, id, key)
redis.call('PUBLISH', key, 'u')
return 1`,

  /** ARGV: P, id, new owner → the kept state, or false unless interrupted (of concurrent resumes, one wins). */
  resume: `${STORED_BYTES_LUA}
local P, id, owner = ARGV[1], ARGV[2], ARGV[3]
local key = P .. ':task:' .. id
local st = redis.call('HMGET', key, 'status', 'finished_at', 'suspended')
if st[1] ~= 'interrupted' or st[2] then return false end
redis.call('HSET', key, 'status', 'processing', 'owner', owner)
redis.call('HDEL', key, 'interrupt', 'suspended')
redis.call('SADD', P .. ':running:' .. owner, id)
redis.call('SADD', P .. ':owners', owner)
measure_row(P, id, key)
redis.call('PUBLISH', key, 'u')
return st[3]`,

  ...RECORDING_SCRIPTS,
  sweep: SWEEP_SCRIPT,
}

export type ScriptName = keyof typeof SCRIPTS
