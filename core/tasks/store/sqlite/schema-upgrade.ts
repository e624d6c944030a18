// Brings a task file from before counting stored bytes (user_version 0) up to
// date, in the transaction that opens it: the columns it lacks, every row's
// bytes counted as stored, its tombstones compacted (no error kept), and the
// store's totals. A new file takes the same path (its tables are empty).

import type { Database } from 'bun:sqlite'
import { taskRowBytesSql } from './stored-bytes.ts'

const VERSION = 1

export function upgradeSchema(db: Database): void {
  addInterruptColumns(db)
  if (db.query<{ user_version: number }, []>('PRAGMA user_version').get()!.user_version >= VERSION) return
  const columns = new Set(db.query<{ name: string }, []>('PRAGMA table_info(tasks)').all().map((column) => column.name))
  if (!columns.has('row_bytes')) db.exec('ALTER TABLE tasks ADD COLUMN row_bytes INTEGER NOT NULL DEFAULT 0')
  if (!columns.has('output_truncated')) db.exec('ALTER TABLE tasks ADD COLUMN output_truncated INTEGER NOT NULL DEFAULT 0')
  db.exec(`
    UPDATE tasks SET row_bytes = ${taskRowBytesSql('task_id', 'workflow_id', 'owner')};
    UPDATE tasks SET error = NULL, output_bytes = octet_length(dropped) WHERE dropped IS NOT NULL;
    INSERT OR REPLACE INTO meta VALUES ('stored_bytes', (SELECT coalesce(sum(row_bytes + output_bytes + event_bytes), 0) FROM tasks));
    INSERT OR REPLACE INTO meta VALUES ('tombstones', (SELECT count(*) FROM tasks WHERE dropped IS NOT NULL));
    DELETE FROM meta WHERE key = 'kept_bytes';
    PRAGMA user_version = ${VERSION};
  `)
}

/** A file from before interrupts (a task waiting for a human's answer) gets their columns. */
function addInterruptColumns(db: Database): void {
  const columns = new Set(db.query<{ name: string }, []>('PRAGMA table_info(tasks)').all().map((column) => column.name))
  if (!columns.has('interrupt')) db.exec('ALTER TABLE tasks ADD COLUMN interrupt TEXT')
  if (!columns.has('suspended')) db.exec('ALTER TABLE tasks ADD COLUMN suspended TEXT')
}
