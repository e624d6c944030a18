// The vector-store drivers mc has, by the name a compose file gives: `faiss`
// (model-compose's local, in-process index) is the embedded store; `postgres`
// (mc's own) keeps the vectors on a PostgreSQL server. Chroma, Milvus and
// Qdrant need servers that cannot run in mc's tests on these machines, so
// they are refused by name rather than shipped untested.

import { SQL } from 'bun'
import { isAbsolute, join } from 'node:path'
import { ConfigurationError, registerSecret } from '../../../core/plugin/api.ts'
import type { VectorStoreDriver } from '../store/driver.ts'
import { EmbeddedStore } from './embedded/store.ts'
import { PostgresStore } from './postgres/store.ts'

export const DRIVERS = ['faiss', 'postgres'] as const
export const MODEL_COMPOSE_DRIVERS = ['chroma', 'milvus', 'qdrant', 'faiss']
export const DEFAULT_INDEX_PATH = './vector-store'

/** The component keys that choose and place a driver. */
export interface DriverSettings {
  driver: string
  index_path?: string
  url?: string
}

/** The keys that belong to one driver only. */
export function checkDriverKeys(settings: DriverSettings): void {
  if (settings.driver === 'postgres') {
    if (settings.index_path !== undefined) throw new ConfigurationError('is a key of driver: faiss', ['index_path'])
    if (settings.url === undefined) throw new ConfigurationError('driver postgres needs "url" (postgres://user:password@host:5432/database)', ['driver'])
    if (!/^postgres(ql)?:\/\//.test(settings.url)) throw new ConfigurationError('expected a postgres:// URL', ['url'])
  } else if (settings.url !== undefined) throw new ConfigurationError('is a key of driver: postgres', ['url'])
}

export function openDriver(settings: DriverSettings, baseDir: string): VectorStoreDriver {
  if (settings.driver === 'postgres') {
    const url = settings.url!
    const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : ''
    if (password) registerSecret(password)
    return new PostgresStore(new SQL(url))
  }
  const folder = settings.index_path ?? DEFAULT_INDEX_PATH
  return new EmbeddedStore(isAbsolute(folder) ? folder : join(baseDir, folder))
}
