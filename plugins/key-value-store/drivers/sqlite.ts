// `driver: sqlite`: a table in a SQLite file (bun:sqlite), as model-compose's:
// key, value as text (value-text.ts), expires_at in seconds since the epoch.
// The file is model-compose's own format, so either can open what the other
// wrote. Expired rows are never read, and purged on a write at most once a
// minute (as model-compose does).

import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { decodeValue, encodeValue } from './value-text.ts'
import type { KeyValueDriver } from './driver.ts'

const PURGE_INTERVAL_MS = 60_000

export class SqliteDriver implements KeyValueDriver {
  private readonly db: Database
  private lastPurge = 0

  /** `path` is resolved already (or ":memory:"); `table` is checked as an identifier by the schema. */
  constructor(path: string, private readonly table: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path, { create: true })
    this.db.run('PRAGMA journal_mode=WAL')
    this.db.run('PRAGMA synchronous=NORMAL')
    this.db.run(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT, expires_at REAL)`)
    this.db.run(`CREATE INDEX IF NOT EXISTS ${table}_expires_at_idx ON ${table} (expires_at) WHERE expires_at IS NOT NULL`)
  }

  async get(keys: string[]): Promise<unknown[]> {
    const found = new Map(this.liveRows(keys, 'key, value').map((row) => [row.key, row.value]))
    return keys.map((key) => (found.has(key) ? decodeValue(found.get(key) ?? null) : null))
  }

  async set(pairs: [string, unknown][], ttlMs: number | undefined): Promise<void> {
    const now = Date.now()
    const expiresAt = ttlMs === undefined ? null : (now + ttlMs) / 1000
    const upsert = this.db.prepare(
      `INSERT INTO ${this.table} (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value, expires_at=excluded.expires_at`,
    )
    this.db.transaction(() => {
      for (const [key, value] of pairs) upsert.run(key, encodeValue(value), expiresAt)
      if (now - this.lastPurge >= PURGE_INTERVAL_MS) {
        this.db.prepare(`DELETE FROM ${this.table} WHERE expires_at IS NOT NULL AND expires_at <= ?`).run(now / 1000)
        this.lastPurge = now
      }
    })()
  }

  async delete(keys: string[]): Promise<boolean[]> {
    const live = new Set(this.liveRows(keys, 'key').map((row) => row.key))
    const remove = this.db.prepare(`DELETE FROM ${this.table} WHERE key = ?`)
    this.db.transaction(() => {
      for (const key of keys) remove.run(key)
    })()
    return keys.map((key) => live.has(key))
  }

  async exists(keys: string[]): Promise<boolean[]> {
    const live = new Set(this.liveRows(keys, 'key').map((row) => row.key))
    return keys.map((key) => live.has(key))
  }

  close(): void {
    this.db.close()
  }

  /** The unexpired rows of these keys (SQLite takes at most 32766 parameters: the caller's key cap is far below). */
  private liveRows(keys: string[], columns: string): { key: string; value?: string | null }[] {
    const placeholders = keys.map(() => '?').join(',')
    return this.db
      .prepare(`SELECT ${columns} FROM ${this.table} WHERE key IN (${placeholders}) AND (expires_at IS NULL OR expires_at > ?)`)
      .all(...keys, Date.now() / 1000) as { key: string; value?: string | null }[]
  }
}
