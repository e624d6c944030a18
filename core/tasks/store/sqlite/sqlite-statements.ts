// The sqlite task store's prepared statements, prepared once per open file,
// and what its rows mean.

import type { Database } from 'bun:sqlite'
import { droppedMessage } from '../retention.ts'
import { taskRowBytesSql } from './stored-bytes.ts'
import type { StoredTask, TaskStatus } from '../task-store.ts'

export interface TaskRow {
  task_id: string
  workflow_id: string
  status: string
  output: string | null
  output_truncated: number
  error: string | null
  streamed: number
  owner: string
  created_at: number
  finished_at: number | null
  dropped: string | null
  interrupt: string | null
}

export interface StateRow {
  owner: string
  status: string
  finished_at: number | null
  dropped: string | null
  first_seq: number
  last_seq: number
  event_bytes: number
}

/** A task as retention sees it: the bytes it frees by going (or by becoming a tombstone), and its events. */
export interface SweptRow {
  task_id: string
  status: string
  bytes: number
  events: number
  tombstone: number
}

/** A running task's recording, to cut down. */
export interface RecordingRow {
  task_id: string
  first_seq: number
  last_seq: number
  event_bytes: number
}

export function prepareStatements(db: Database) {
  const STORED = "key = 'stored_bytes'"
  const TOMBSTONES = "key = 'tombstones'"
  const SWEPT = 'task_id, status, last_seq - first_seq + 1 AS events, dropped IS NOT NULL AS tombstone'
  return {
    /** Changes when another connection (another process, another store) commits. */
    dataVersion: db.prepare<{ data_version: number }, []>('PRAGMA data_version'),
    storedBytes: db.prepare<{ value: number }, []>(`SELECT value FROM meta WHERE ${STORED}`),
    addStoredBytes: db.prepare<{ value: number }, [number]>(`UPDATE meta SET value = value + ? WHERE ${STORED} RETURNING value`),
    tombstones: db.prepare<{ value: number }, []>(`SELECT value FROM meta WHERE ${TOMBSTONES}`),
    addTombstones: db.prepare<unknown, [number]>(`UPDATE meta SET value = value + ? WHERE ${TOMBSTONES}`),

    insertTask: db.prepare<{ row_bytes: number }, [string, string, string, number]>(
      `INSERT INTO tasks (task_id, workflow_id, status, owner, created_at, row_bytes)
       VALUES (?1, ?2, 'pending', ?3, ?4, ${taskRowBytesSql('?1', '?2', '?3')}) RETURNING row_bytes`,
    ),
    start: db.prepare<unknown, [string]>("UPDATE tasks SET status = 'processing' WHERE task_id = ? AND status = 'pending'"),
    claim: db.prepare<unknown, [string, string]>('UPDATE tasks SET owner = ? WHERE task_id = ? AND finished_at IS NULL'),
    markStreamed: db.prepare<unknown, [string]>('UPDATE tasks SET streamed = 1 WHERE task_id = ?'),
    finish: db.prepare<{ task_id: string }, [string, string | null, number, string | null, number, number, string]>(
      `UPDATE tasks SET status = ?, output = ?, output_truncated = ?, error = ?, finished_at = ?, output_bytes = ?, interrupt = NULL, suspended = NULL
       WHERE task_id = ? AND finished_at IS NULL RETURNING task_id`,
    ),
    /** processing → interrupted (a processing task holds no output bytes yet). */
    interrupt: db.prepare<unknown, [string, string, number, string]>(
      `UPDATE tasks SET status = 'interrupted', interrupt = ?, suspended = ?, output_bytes = ?
       WHERE task_id = ? AND finished_at IS NULL AND status = 'processing'`,
    ),
    interrupted: db.prepare<{ suspended: string; output_bytes: number }, [string]>(
      "SELECT suspended, output_bytes FROM tasks WHERE task_id = ? AND status = 'interrupted' AND finished_at IS NULL",
    ),
    resume: db.prepare<unknown, [string, string]>(
      "UPDATE tasks SET status = 'processing', owner = ?, interrupt = NULL, suspended = NULL, output_bytes = 0 WHERE task_id = ? AND status = 'interrupted'",
    ),
    task: db.prepare<TaskRow, [string]>(
      'SELECT task_id, workflow_id, status, output, output_truncated, error, streamed, owner, created_at, finished_at, dropped, interrupt FROM tasks WHERE task_id = ?',
    ),
    state: db.prepare<StateRow, [string]>(
      'SELECT owner, status, finished_at, dropped, first_seq, last_seq, event_bytes FROM tasks WHERE task_id = ?',
    ),

    insertBatch: db.prepare<unknown, [string, number, number, number, Uint8Array, string]>('INSERT INTO event_batches VALUES (?, ?, ?, ?, ?, ?)'),
    oldestBatches: db.prepare<{ first_seq: number; last_seq: number; bytes: number; totals: Uint8Array }, [string, number]>(
      'SELECT first_seq, last_seq, bytes, totals FROM event_batches WHERE task_id = ? AND last_seq >= ? ORDER BY last_seq LIMIT 4',
    ),
    deleteBatchesBefore: db.prepare<unknown, [string, number]>('DELETE FROM event_batches WHERE task_id = ? AND last_seq < ?'),
    deleteEvents: db.prepare<unknown, [string]>('DELETE FROM event_batches WHERE task_id = ?'),
    setWindow: db.prepare<unknown, [number, number, number, string]>(
      'UPDATE tasks SET first_seq = ?, last_seq = ?, event_bytes = ? WHERE task_id = ?',
    ),
    /** The rows holding seqs from..to: from the one holding `from` to the one holding `to` (or the last). */
    batches: db.prepare<{ first_seq: number; payload: string }, [string, number, string, number, number]>(
      `SELECT first_seq, payload FROM event_batches WHERE task_id = ? AND last_seq >= ?
       AND last_seq <= coalesce((SELECT min(last_seq) FROM event_batches WHERE task_id = ? AND last_seq >= ?), ?) ORDER BY last_seq`,
    ),
    /** A stream its process does not record (MC_TASK_STREAM_BYTES=0): first_seq 0 says so. */
    markUnrecorded: db.prepare<unknown, [string]>('UPDATE tasks SET streamed = 1, first_seq = 0 WHERE task_id = ?'),

    /** One transaction for the appends of one turn of the event loop (sqlite-recording.ts). */
    begin: db.prepare<unknown, []>('BEGIN IMMEDIATE'),
    commit: db.prepare<unknown, []>('COMMIT'),
    rollback: db.prepare<unknown, []>('ROLLBACK'),

    setCancel: db.prepare<unknown, [number, string]>('UPDATE tasks SET cancel = ? WHERE task_id = ?'),
    cancelAsked: db.prepare<{ task_id: string }, [string]>('SELECT task_id FROM tasks WHERE cancel = 1 AND owner = ?'),

    beat: db.prepare<unknown, [string, string, number]>(
      'INSERT INTO owners VALUES (?, ?, ?) ON CONFLICT (owner) DO UPDATE SET namespace = excluded.namespace, beat_at = excluded.beat_at',
    ),
    forgetOwner: db.prepare<unknown, [string]>('DELETE FROM owners WHERE owner = ?'),
    /** Owners of unfinished tasks, with the namespace of their heartbeat if it beat since the given time. */
    unfinishedOwners: db.prepare<{ owner: string; heartbeat: string | null }, [number]>(
      "SELECT t.owner, o.namespace AS heartbeat FROM (SELECT DISTINCT owner FROM tasks WHERE finished_at IS NULL AND status != 'interrupted') t LEFT JOIN owners o ON o.owner = t.owner AND o.beat_at > ?",
    ),
    failOwner: db.prepare<{ task_id: string }, [string, number, number, string]>(
      "UPDATE tasks SET status = 'failed', error = ?, output_bytes = ?, finished_at = ? WHERE owner = ? AND finished_at IS NULL AND status != 'interrupted' RETURNING task_id",
    ),

    /** Finished tasks (tombstones too) older than a time; what each frees is all it holds. */
    expired: db.prepare<SweptRow, [number, number]>(
      `SELECT ${SWEPT}, row_bytes + output_bytes + event_bytes AS bytes FROM tasks WHERE finished_at < ? ORDER BY finished_at LIMIT ?`,
    ),
    deleteTask: db.prepare<unknown, [string]>('DELETE FROM tasks WHERE task_id = ?'),
    /** The oldest finished tasks that are not tombstones: what each frees is its output and events. */
    oldestKept: db.prepare<SweptRow, [number]>(
      `SELECT ${SWEPT}, output_bytes + event_bytes AS bytes FROM tasks WHERE finished_at IS NOT NULL AND dropped IS NULL ORDER BY finished_at LIMIT ?`,
    ),
    /** The oldest tombstones: what each frees is all it holds. */
    oldestTombstones: db.prepare<SweptRow, [number]>(
      `SELECT ${SWEPT}, row_bytes + output_bytes AS bytes FROM tasks WHERE dropped IS NOT NULL ORDER BY finished_at LIMIT ?`,
    ),
    /**
     * Makes a task a tombstone: a new row without its output or error (an update in place would leave the
     * small row alone in the page its output filled), at the end of the table with the rest.
     */
    tombstone: db.prepare<unknown, [string, number, string]>(
      `INSERT OR REPLACE INTO tasks (task_id, workflow_id, status, streamed, owner, created_at, finished_at, row_bytes, last_seq, first_seq, dropped, output_bytes)
       SELECT task_id, workflow_id, status, streamed, owner, created_at, finished_at, row_bytes, last_seq, last_seq + 1, ?1, ?2 FROM tasks WHERE task_id = ?3`,
    ),
    /** The oldest running tasks whose recordings hold more than a floor. */
    recordingsAbove: db.prepare<RecordingRow, [number, number]>(
      'SELECT task_id, first_seq, last_seq, event_bytes FROM tasks WHERE finished_at IS NULL AND event_bytes > ? ORDER BY created_at LIMIT ?',
    ),
  }
}

export type Statements = ReturnType<typeof prepareStatements>

export function storedTask(row: TaskRow): StoredTask {
  return {
    task_id: row.task_id,
    workflow_id: row.workflow_id,
    status: row.status as TaskStatus,
    ...(row.output !== null ? { output: JSON.parse(row.output) } : {}),
    ...(row.output_truncated === 1 ? { output_truncated: true as const } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    streamed: row.streamed === 1,
    owner: row.owner,
    created_at: row.created_at,
    ...(row.finished_at !== null ? { finished_at: row.finished_at } : {}),
    ...(row.interrupt !== null ? { interrupt: JSON.parse(row.interrupt) } : {}),
    ...(row.dropped !== null ? { dropped: droppedMessage(row.task_id, row.status as TaskStatus, row.dropped) } : {}),
  }
}
