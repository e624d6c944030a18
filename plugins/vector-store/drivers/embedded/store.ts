// The embedded store (mc's default; model-compose's `faiss` driver maps to
// it): no server, one SQLite file (bun:sqlite, inside Bun itself, so the
// single executable needs no native file) under `index_path`, each collection
// loaded into memory on first use and searched exactly (collection.ts). Every
// write is committed to the file before it is answered, then applied in memory.

import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { invalidInput } from '../../../../core/plugin/api.ts'
import type { Condition } from '../../store/filter.ts'
import type { Entry, Hit, Metadata, SearchQuery, VectorStoreDriver } from '../../store/driver.ts'
import { Collection, type Row } from './collection.ts'

export const STORE_FILE = 'vectors.sqlite'

export class EmbeddedStore implements VectorStoreDriver {
  private readonly db: Database
  private readonly collections = new Map<string, Collection>()

  constructor(folder: string) {
    mkdirSync(folder, { recursive: true })
    this.db = new Database(join(folder, STORE_FILE), { create: true, strict: true })
    this.db.run('PRAGMA journal_mode = WAL')
    this.db.run('CREATE TABLE IF NOT EXISTS vectors (collection TEXT NOT NULL, id TEXT NOT NULL, vector BLOB NOT NULL, metadata TEXT, document TEXT, PRIMARY KEY (collection, id)) WITHOUT ROWID')
  }

  async insert(name: string, entries: Entry[]): Promise<number> {
    const collection = this.collection(name)
    const rows = entries.map((entry, i) => {
      if (!entry.vector) throw invalidInput(`vector[${i}]: missing`)
      return { id: entry.id, vector: entry.vector, metadata: entry.metadata ?? null, document: entry.document ?? null }
    })
    this.write(name, collection, rows)
    return rows.length
  }

  async update(name: string, entries: Entry[], insertMissing: boolean): Promise<number> {
    const collection = this.collection(name)
    const rows: Row[] = []
    for (const [i, entry] of entries.entries()) {
      const old = collection.get(entry.id)
      if (!old && !insertMissing) continue
      const vector = entry.vector ?? old?.vector
      if (!vector) throw invalidInput(`vector[${i}]: id "${entry.id}" is not in collection "${name}", and inserting it needs a vector`)
      // Chroma's rule: the metadata given is merged into what the record had.
      const metadata = entry.metadata === undefined ? (old?.metadata ?? null) : { ...(old?.metadata ?? {}), ...(entry.metadata ?? {}) }
      rows.push({ id: entry.id, vector, metadata, document: entry.document === undefined ? (old?.document ?? null) : entry.document })
    }
    this.write(name, collection, rows)
    return rows.length
  }

  async search(name: string, query: SearchQuery): Promise<Hit[]> {
    const collection = this.collection(name)
    if (collection.size === 0) return []
    checkDimension(name, collection, query.vector, 'query')
    return collection.search(query)
  }

  async delete(name: string, ids: string[] | undefined, filter: Condition[]): Promise<number> {
    const collection = this.collection(name)
    const gone = collection.select(ids, filter)
    const remove = this.db.prepare('DELETE FROM vectors WHERE collection = ? AND id = ?')
    this.db.transaction(() => {
      for (const id of gone) remove.run(name, id)
    })()
    for (const id of gone) collection.remove(id)
    return gone.length
  }

  async close(): Promise<void> {
    this.db.close()
  }

  private write(name: string, collection: Collection, rows: Row[]): void {
    const dimension = collection.size > 0 ? collection.dimension : rows[0]?.vector.length
    for (const [i, row] of rows.entries()) {
      if (row.vector.length !== dimension) throw invalidInput(`vector[${i}]: has ${row.vector.length} dimensions, collection "${name}" holds vectors of ${dimension}`)
    }
    const put = this.db.prepare('INSERT OR REPLACE INTO vectors (collection, id, vector, metadata, document) VALUES (?, ?, ?, ?, ?)')
    this.db.transaction(() => {
      for (const row of rows) {
        const bytes = new Uint8Array(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength)
        put.run(name, row.id, bytes, row.metadata === null ? null : JSON.stringify(row.metadata), row.document)
      }
    })()
    for (const row of rows) collection.put(row)
  }

  private collection(name: string): Collection {
    let collection = this.collections.get(name)
    if (collection) return collection
    collection = new Collection()
    const shape = this.db.query<{ rows: number; bytes: number | null }, [string]>('SELECT count(*) AS rows, max(length(vector)) AS bytes FROM vectors WHERE collection = ?').get(name)
    collection.reserve(shape?.rows ?? 0, (shape?.bytes ?? 0) / 4)
    const rows = this.db.query<{ id: string; vector: Uint8Array; metadata: string | null; document: string | null }, [string]>('SELECT id, vector, metadata, document FROM vectors WHERE collection = ?')
    for (const row of rows.iterate(name)) {
      const vector = new Float32Array(row.vector.slice().buffer)
      collection.put({ id: row.id, vector, metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Metadata), document: row.document })
    }
    this.collections.set(name, collection)
    return collection
  }
}

function checkDimension(name: string, collection: Collection, vector: Float32Array, key: string): void {
  if (vector.length !== collection.dimension) throw invalidInput(`${key}: has ${vector.length} dimensions, collection "${name}" holds vectors of ${collection.dimension}`)
}
