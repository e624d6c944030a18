// The sqlite task store's file: opened in WAL mode (readers never wait for the
// writer; synchronous=NORMAL loses at most the last transactions on a power
// cut, never consistency), its folder created private, and its tables.

import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  task_id TEXT PRIMARY KEY,
  workflow_id TEXT NOT NULL,
  status TEXT NOT NULL,
  output TEXT,                                -- JSON text
  error TEXT,
  streamed INTEGER NOT NULL DEFAULT 0,
  owner TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  dropped TEXT,
  output_bytes INTEGER NOT NULL DEFAULT 0,
  event_bytes INTEGER NOT NULL DEFAULT 0,     -- of the events still recorded
  first_seq INTEGER NOT NULL DEFAULT 1,       -- 0: its stream is not recorded (MC_TASK_STREAM_BYTES=0)
  last_seq INTEGER NOT NULL DEFAULT 0,
  cancel INTEGER NOT NULL DEFAULT 0           -- 1: asked, for its owner's poller; 2: its owner was told
);
CREATE INDEX IF NOT EXISTS tasks_by_finish ON tasks(finished_at);
CREATE INDEX IF NOT EXISTS tasks_kept ON tasks(finished_at) WHERE finished_at IS NOT NULL AND dropped IS NULL;
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
  bytes INTEGER NOT NULL,                     -- of all its events
  totals BLOB NOT NULL,                       -- running totals of its events' bytes
  payload TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS event_batches_by_task ON event_batches(task_id, last_seq);
-- Each open store's heartbeat (owner-liveness.ts): its pid namespace, and when it last beat.
CREATE TABLE IF NOT EXISTS owners (owner TEXT PRIMARY KEY, namespace TEXT NOT NULL, beat_at INTEGER NOT NULL) WITHOUT ROWID;
-- 'kept_bytes': outputs and events of finished tasks not dropped.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta VALUES ('kept_bytes', 0);
`

/** Opens (creating) the store's file; a file that is not one throws a line naming the path. */
export function openTaskDatabase(path: string): Database {
  let db: Database | undefined
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    db = new Database(path, { create: true, strict: true })
    db.exec('PRAGMA busy_timeout = 5000')
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = NORMAL')
    // The write-ahead log is checkpointed every 1000 pages; this caps what it keeps on disk after.
    db.exec('PRAGMA journal_size_limit = 16777216')
    db.transaction(() => db!.exec(SCHEMA)).immediate()
    return db
  } catch (error) {
    db?.close()
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`task store ${path}: cannot open it as a task database (${reason.split('\n')[0]})`)
  }
}
