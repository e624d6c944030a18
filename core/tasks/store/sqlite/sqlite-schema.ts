// The sqlite task store's file: opened in WAL mode (readers never wait for the
// writer; synchronous=NORMAL loses at most the last transactions on a power
// cut, never consistency), private to this user (sqlite/private-files.ts), in
// incremental auto-vacuum mode so that it can shrink (sqlite/file-shrink.ts),
// and its tables.

import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { makePrivate } from './private-files.ts'
import { upgradeSchema } from './schema-upgrade.ts'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  task_id TEXT PRIMARY KEY,
  workflow_id TEXT NOT NULL,
  status TEXT NOT NULL,
  output TEXT,                                -- JSON text
  output_truncated INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  streamed INTEGER NOT NULL DEFAULT 0,
  owner TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  dropped TEXT,                               -- a tombstone's mark (retention.ts)
  row_bytes INTEGER NOT NULL DEFAULT 0,       -- as stored (sqlite/stored-bytes.ts): its row and index entries,
  output_bytes INTEGER NOT NULL DEFAULT 0,    -- its output, error or mark,
  event_bytes INTEGER NOT NULL DEFAULT 0,     -- and its batches of events still recorded
  first_seq INTEGER NOT NULL DEFAULT 1,       -- 0: its stream is not recorded (MC_TASK_STREAM_BYTES=0)
  last_seq INTEGER NOT NULL DEFAULT 0,
  cancel INTEGER NOT NULL DEFAULT 0,          -- 1: asked, for its owner's poller; 2: its owner was told
  interrupt TEXT,                             -- an interrupted task's point (JSON), counted in output_bytes
  suspended TEXT                              -- and what its resume needs (task-store.ts interrupt())
);
CREATE INDEX IF NOT EXISTS tasks_by_finish ON tasks(finished_at);
CREATE INDEX IF NOT EXISTS tasks_kept ON tasks(finished_at) WHERE finished_at IS NOT NULL AND dropped IS NULL;
CREATE INDEX IF NOT EXISTS tasks_dropped ON tasks(finished_at) WHERE dropped IS NOT NULL;
CREATE INDEX IF NOT EXISTS tasks_cancel_asked ON tasks(owner) WHERE cancel = 1;
CREATE INDEX IF NOT EXISTS tasks_unfinished ON tasks(owner) WHERE finished_at IS NULL;
-- One row per appendEvents batch (event-batch.ts); its events are first_seq..last_seq, of which those before
-- tasks.first_seq are dropped already. A file from before batching recorded one row per event, in a table
-- that goes (its tasks stay, their recordings do not).
DROP TABLE IF EXISTS events;
CREATE TABLE IF NOT EXISTS event_batches (
  task_id TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  bytes INTEGER NOT NULL,                     -- the row as stored (its events' and its own)
  totals BLOB NOT NULL,                       -- running totals of its events' bytes
  payload TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS event_batches_by_task ON event_batches(task_id, last_seq);
-- Each open store's heartbeat (owner-liveness.ts): its pid namespace, and when it last beat.
CREATE TABLE IF NOT EXISTS owners (owner TEXT PRIMARY KEY, namespace TEXT NOT NULL, beat_at INTEGER NOT NULL) WITHOUT ROWID;
-- 'stored_bytes': row_bytes + output_bytes + event_bytes of every task; 'tombstones': how many tasks are.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta VALUES ('stored_bytes', 0), ('tombstones', 0);
`

/** PRAGMA auto_vacuum's value for INCREMENTAL. */
const INCREMENTAL = 2

/** Opens (creating) the store's file; a file that is not one throws a line naming the path. */
export function openTaskDatabase(path: string): Database {
  let db: Database | undefined
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    makePrivate(path)
    db = new Database(path, { create: true, strict: true })
    db.exec('PRAGMA busy_timeout = 5000')
    // Takes effect in a new file (before its first table); a file from before switches by the VACUUM below.
    db.exec(`PRAGMA auto_vacuum = ${INCREMENTAL}`)
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = NORMAL')
    // The write-ahead log is checkpointed every 1000 pages; this caps what it keeps on disk after.
    db.exec('PRAGMA journal_size_limit = 16777216')
    db.transaction(() => {
      db!.exec(SCHEMA)
      upgradeSchema(db!)
    }).immediate()
    if (db.query<{ auto_vacuum: number }, []>('PRAGMA auto_vacuum').get()!.auto_vacuum !== INCREMENTAL) switchToIncremental(db)
    return db
  } catch (error) {
    db?.close()
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`task store ${path}: cannot open it as a task database (${reason.split('\n')[0]})`)
  }
}

/**
 * A file from before incremental auto-vacuum switches by one VACUUM (a rewrite
 * of the file). Another process writing it meanwhile makes that wait, then
 * fail: the store opens anyway, and a later open switches it.
 */
function switchToIncremental(db: Database): void {
  try {
    db.exec('VACUUM')
  } catch {}
}
