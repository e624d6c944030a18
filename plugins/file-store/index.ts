// The `file-store` component (model-compose 0.4.92): `put`, `get`, `delete`,
// `exists` and `list` files on `driver: local`, every path confined to the
// store's `base_path` (confined-path.ts: hostile input never reads or writes
// outside it, nor does `save_to`). One path gives one result, a list of paths
// a list. model-compose's cloud drivers (aws-s3, gcp-storage, azure-blob) are
// refused by name. Bounds from the environment: MC_FILE_STORE_MAX_BYTES for a
// put and for a get read whole (a `streaming: true` get is read chunk by
// chunk instead), MC_FILE_STORE_MAX_LIST for the files one list gives.

import { realpathSync, mkdirSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { bytesSetting, checkChoice, choiceOf, ConfigurationError, countSetting, defineComponentPlugin, flagOf, invalidInput, isTemplate, notInMc, type RunResult } from '../../core/plugin/api.ts'
import { LocalFiles } from './drivers/local.ts'
import { CLOUD_DRIVERS, DRIVERS, FileStoreActionSchema, FileStoreSettingsSchema, METHODS, type FileStoreAction, type FileStoreSettings } from './schema.ts'
import { chunksOf } from './source-chunks.ts'
import { listOptionsOf, sizeOf } from './options.ts'

const DEFAULT_MAX_BYTES = 256 * 1024 ** 2
const DEFAULT_MAX_LIST = 1000
const DEFAULT_STREAM_CHUNK_BYTES = 64 * 1024

const fileStorePlugin = defineComponentPlugin<FileStoreSettings, FileStoreAction>({
  type: 'file-store',
  settings: FileStoreSettingsSchema,
  action: FileStoreActionSchema,
  defaultOutput: '${result}',
  checkSettings(settings) {
    if ((CLOUD_DRIVERS as readonly string[]).includes(settings.driver)) {
      throw new ConfigurationError(`${notInMc('file-store driver', settings.driver, DRIVERS)}: no server compatible with it runs in mc's tests, so mc does not ship it untested`, ['driver'])
    }
    checkChoice(settings.driver, DRIVERS, 'driver')
  },
  checkAction(action) {
    const method = action.method
    if (method === undefined) throw new ConfigurationError(`needs "method": ${METHODS.join(', ')}`, [])
    if (isTemplate(method)) return
    checkChoice(method, METHODS, 'method')
    if (method !== 'list' && action.path === undefined) throw new ConfigurationError(`a ${method} needs "path"`, [])
    if (method === 'put' && action.source === undefined) throw new ConfigurationError('a put needs "source"', [])
    if (action.save_to !== undefined && action.streaming === true) throw new ConfigurationError('give "save_to" or "streaming: true", not both', ['save_to'])
  },
  create(settings, { env, baseDir }) {
    const maxBytes = bytesSetting(env, 'MC_FILE_STORE_MAX_BYTES', DEFAULT_MAX_BYTES)
    const maxList = countSetting(env, 'MC_FILE_STORE_MAX_LIST', DEFAULT_MAX_LIST)
    const basePath = settings.base_path ?? '.'
    let files: LocalFiles | undefined
    const opened = () => {
      if (files !== undefined) return files
      const folder = isAbsolute(basePath) ? basePath : join(baseDir, basePath)
      mkdirSync(folder, { recursive: true })
      return (files = new LocalFiles(realpathSync(folder), maxBytes))
    }
    return {
      async start() {
        opened()
      },
      async run(action): Promise<RunResult> {
        const method = choiceOf(action.method, METHODS, 'method')
        const store = opened()
        if (method === 'list') return { result: store.list(action.path, 'path', listOptionsOf(action, maxList)) }
        const single = !Array.isArray(action.path)
        const paths = single ? [action.path] : (action.path as unknown[])
        if (paths.length > maxList) throw invalidInput(`path: ${paths.length} paths, more than the ${maxList} one call takes (MC_FILE_STORE_MAX_LIST)`)
        const where = (i: number) => (single ? 'path' : `path[${i}]`)
        const results: unknown[] = []
        if (method === 'put') {
          const sources = Array.isArray(action.source) ? action.source : paths.map(() => action.source)
          if (sources.length !== paths.length) throw invalidInput(`source: ${paths.length} paths but ${sources.length} sources`)
          const contentType = action.content_type === undefined || action.content_type === null ? null : String(action.content_type)
          for (const [i, path] of paths.entries()) results.push(await store.put(path, chunksOf(sources[i], single ? 'source' : `source[${i}]`), contentType, where(i)))
        } else if (method === 'get') {
          const streaming = flagOf(action.streaming, 'streaming')
          if (action.save_to !== undefined && action.save_to !== null && streaming) throw invalidInput('save_to: give "save_to" or "streaming: true", not both')
          const chunkSize = streaming ? (sizeOf(action.chunk_size, 'chunk_size', maxBytes) ?? DEFAULT_STREAM_CHUNK_BYTES) : undefined
          for (const [i, path] of paths.entries()) {
            const file = store.get(path, where(i), chunkSize)
            if (action.save_to === undefined || action.save_to === null) results.push(file)
            else {
              const { content, ...info } = file
              const saved = await store.put(action.save_to, chunksOf(content, 'content'), null, 'save_to')
              results.push({ ...info, save_to: saved.path })
            }
          }
        } else {
          for (const [i, path] of paths.entries()) results.push(method === 'delete' ? store.delete(path, where(i)) : store.exists(path, where(i)))
        }
        return { result: single ? results[0] : results }
      },
    }
  },
})

export default fileStorePlugin
