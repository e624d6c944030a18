// The vector-store backends the conformance suite (store-conformance.test.ts)
// runs against, each a real store: the embedded one on a real SQLite file in
// a temporary folder; the postgres one on a real PostgreSQL server the suite
// starts itself (test/support/postgres.ts), a new database for each test.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedStore } from '../../../plugins/vector-store/drivers/embedded/store.ts'
import { SQL } from 'bun'
import { PostgresStore } from '../../../plugins/vector-store/drivers/postgres/store.ts'
import { postgresAvailable, startPostgres, type TestPostgres } from '../../support/postgres.ts'
import type { VectorStoreDriver } from '../../../plugins/vector-store/store/driver.ts'

export interface Backend {
  name: string
  setup(): Promise<void>
  teardown(): Promise<void>
  /** A new, empty place for one test's data. */
  place(): string
  /** A driver on `place`: opening it again reads what an earlier one wrote. */
  open(place: string): Promise<VectorStoreDriver>
}

let folder = ''
let count = 0
export const embedded: Backend = {
  name: 'embedded (faiss)',
  async setup() {
    folder = mkdtempSync(join(tmpdir(), 'mc-vector-store-'))
  },
  async teardown() {
    rmSync(folder, { recursive: true, force: true })
  },
  place: () => join(folder, `store-${++count}`),
  open: async (place) => new EmbeddedStore(place),
}

let server: TestPostgres | undefined
export const postgres: Backend = {
  name: 'postgres',
  async setup() {
    server = await startPostgres()
  },
  async teardown() {
    await server?.stop()
  },
  place: () => `vectors_${++count}`,
  async open(place) {
    const admin = new SQL(server!.url)
    const [exists] = await admin.unsafe('SELECT 1 FROM pg_database WHERE datname = $1', [place])
    if (!exists) await admin.unsafe(`CREATE DATABASE ${place}`)
    await admin.close()
    return new PostgresStore(new SQL(server!.url.replace(/\/postgres$/, `/${place}`)))
  },
}

export const BACKENDS: Backend[] = postgresAvailable() ? [embedded, postgres] : [embedded]
