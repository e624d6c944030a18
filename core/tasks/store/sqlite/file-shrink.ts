// The sqlite file gives back what retention freed. The file is in incremental
// auto-vacuum mode (sqlite-schema.ts): freed pages stay in the file, for new
// rows, until `PRAGMA incremental_vacuum` moves the last pages into them and
// truncates it. That is done only once a good part of the file is free (in
// steady use new rows reuse freed pages; moving pages for them would be wasted
// writes), a bounded step at a time. The write-ahead log is then checkpointed
// and truncated, so that neither file stays at its high-water mark.

import type { Database } from 'bun:sqlite'

/** The file shrinks once this many pages (of 4 KiB) are free, and they are at least a quarter of it. */
const MIN_FREE_PAGES = 256
/** Pages given back per step (each step is one write transaction). */
const STEP_PAGES = 2048

/** Whether enough of the file is free to start giving it back. */
export function worthShrinking(db: Database): boolean {
  const free = db.query<{ freelist_count: number }, []>('PRAGMA freelist_count').get()!.freelist_count
  const pages = db.query<{ page_count: number }, []>('PRAGMA page_count').get()!.page_count
  return free >= MIN_FREE_PAGES && free * 4 >= pages
}

/** Gives back up to STEP_PAGES free pages, in a write transaction of the caller's; true when free pages are left. */
export function shrinkStep(db: Database): boolean {
  db.exec(`PRAGMA incremental_vacuum(${STEP_PAGES})`)
  return db.query<{ freelist_count: number }, []>('PRAGMA freelist_count').get()!.freelist_count > 0
}

/**
 * Copies the write-ahead log into the file and truncates it, if nobody holds
 * it now (no waiting: a reader or writer of another process just makes this a
 * partial checkpoint, and the next one truncates). Outside any transaction.
 */
export function truncateLog(db: Database): void {
  db.exec('PRAGMA busy_timeout = 0')
  try {
    db.query('PRAGMA wal_checkpoint(TRUNCATE)').get()
  } finally {
    db.exec('PRAGMA busy_timeout = 5000')
  }
}
