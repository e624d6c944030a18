// The `key-value-store` component (model-compose 0.4.92): `get`, `set`,
// `delete` and `exists` over one key or a list of them, on `driver: memory`
// (mc's process), `sqlite` (a file) or `redis` (a server). One key gives one
// result ({key, value} / {key, success} / {key, deleted} / {key, exists}), a
// list gives a list in the same order. Bounds come from the environment:
// MC_KV_MAX_KEYS keys a call, MC_KV_MAX_VALUE_BYTES a value,
// MC_KV_MEMORY_MAX_BYTES for all of a memory store, MC_KV_TIMEOUT_SECONDS for a
// Redis command.

import { bytesSetting, checkChoice, choiceOf, ConfigurationError, countSetting, defineComponentPlugin, isTemplate, type RunResult, secondsSetting } from '../../core/plugin/api.ts'
import { isAbsolute, join } from 'node:path'
import type { KeyValueDriver } from './drivers/driver.ts'
import { MemoryDriver } from './drivers/memory.ts'
import { RedisDriver } from './drivers/redis.ts'
import { SqliteDriver } from './drivers/sqlite.ts'
import { redisUrlOf } from './redis-url.ts'
import { batchSizeOf, keysOf, ttlOf, valuesOf, type Limits } from './request.ts'
import { DRIVERS, KeyValueActionSchema, KeyValueSettingsSchema, METHODS, type KeyValueAction, type KeyValueSettings, type Method } from './schema.ts'

const DEFAULT_MAX_KEYS = 1000
const DEFAULT_MAX_VALUE_BYTES = 1024 ** 2
const DEFAULT_MEMORY_MAX_BYTES = 256 * 1024 ** 2
const DEFAULT_TIMEOUT_SECONDS = 30

const keyValueStorePlugin = defineComponentPlugin<KeyValueSettings, KeyValueAction>({
  type: 'key-value-store',
  settings: KeyValueSettingsSchema,
  action: KeyValueActionSchema,
  defaultOutput: '${result}',
  checkSettings(settings) {
    checkChoice(settings.driver, DRIVERS, 'driver')
    if (settings.url !== undefined && settings.host !== undefined) throw new ConfigurationError('give either "url" or "host", not both', ['url'])
  },
  checkAction(action) {
    if (action.method === undefined) throw new ConfigurationError(`needs "method": ${METHODS.join(', ')}`, [])
    if (!isTemplate(action.method)) checkChoice(action.method, METHODS, 'method')
    if (action.key === undefined) throw new ConfigurationError('needs "key"', [])
    if (action.method === 'set' && action.value === undefined) throw new ConfigurationError('a set needs "value"', [])
  },
  create(settings, { env, baseDir }) {
    const limits: Limits = { maxKeys: countSetting(env, 'MC_KV_MAX_KEYS', DEFAULT_MAX_KEYS), maxValueBytes: bytesSetting(env, 'MC_KV_MAX_VALUE_BYTES', DEFAULT_MAX_VALUE_BYTES) }
    const memoryMaxBytes = bytesSetting(env, 'MC_KV_MEMORY_MAX_BYTES', DEFAULT_MEMORY_MAX_BYTES)
    const timeoutMs = secondsSetting(env, 'MC_KV_TIMEOUT_SECONDS', DEFAULT_TIMEOUT_SECONDS) * 1000
    let driver: KeyValueDriver | undefined
    const open = (): KeyValueDriver => {
      if (settings.driver === 'memory') return new MemoryDriver(memoryMaxBytes)
      if (settings.driver === 'redis') return new RedisDriver(redisUrlOf(settings), timeoutMs)
      const path = settings.path ?? 'kv-store.sqlite'
      return new SqliteDriver(path === ':memory:' || isAbsolute(path) ? path : join(baseDir, path), settings.table ?? 'kv_store')
    }
    const opened = () => (driver ??= open())
    return {
      async start() {
        opened()
      },
      async stop() {
        await driver?.close()
        driver = undefined
      },
      async run(action): Promise<RunResult> {
        const method = choiceOf(action.method, METHODS, 'method')
        const { keys, single } = keysOf(action.key, limits)
        const values = method === 'set' ? valuesOf(action.value, keys, single, limits) : []
        const ttlMs = method === 'set' ? ttlOf(action.ttl) : undefined
        const batchSize = batchSizeOf(action.batch_size, keys.length)
        const store = opened()
        const results: Record<string, unknown>[] = []
        for (let start = 0; start < keys.length; start += batchSize) {
          const batch = keys.slice(start, start + batchSize)
          results.push(...(await runBatch(store, method, batch, values.slice(start, start + batchSize), ttlMs)))
        }
        return { result: single ? results[0] : results }
      },
    }
  },
})

async function runBatch(store: KeyValueDriver, method: Method, keys: string[], values: unknown[], ttlMs: number | undefined): Promise<Record<string, unknown>[]> {
  switch (method) {
    case 'get':
      return (await store.get(keys)).map((value, i) => ({ key: keys[i], value }))
    case 'set':
      await store.set(keys.map((key, i) => [key, values[i]]), ttlMs)
      return keys.map((key) => ({ key, success: true }))
    case 'delete':
      return (await store.delete(keys)).map((deleted, i) => ({ key: keys[i], deleted }))
    case 'exists':
      return (await store.exists(keys)).map((exists, i) => ({ key: keys[i], exists }))
  }
}

export default keyValueStorePlugin
