// What a task costs in the sqlite file, as SQLite stores it (measured with
// the dbstat table on files of 4096-byte pages, see README "Tasks and
// resumable streams"): its row and index entries, and per batch of events a
// row and an index entry. A value too long for its row's page goes to
// overflow pages, whole pages each: that is counted too.

import { eventBytes } from '../retention.ts'
import type { TaskEvent } from '../task-store.ts'

/** A task's row and its index entries beyond the text they hold (ids, status, numbers, cell headers, page slack). */
const TASK_ROW_BYTES = 100
/** A batch's row and index entry beyond its task id, payload and totals. */
const BATCH_ROW_BYTES = 18
/** A batch row's columns besides its payload and totals (its task id apart): numbers and the record header. */
const BATCH_RECORD_BYTES = 16
/** A task row's columns besides its output (or error). */
const TASK_RECORD_BYTES = 120

/** Each event's running total in a batch: a 32-bit integer (event-batch.ts). */
const TOTAL_BYTES = 4

/** SQLite's limits for a table row on 4096-byte pages: what a row holds in its page, and each overflow page's share. */
const PAGE_BYTES = 4096
const MAX_LOCAL = PAGE_BYTES - 35
const MIN_LOCAL = Math.floor(((PAGE_BYTES - 12) * 32) / 255) - 23
const OVERFLOW_BYTES = PAGE_BYTES - 4
/** A leaf page's room for rows (beyond its header), and each row's pointer and cell header. */
const PAGE_ROOM = PAGE_BYTES - 8
const CELL_BYTES = 8

/**
 * The bytes a record of `bytes` takes: its part in its page — a page holds
 * as many whole rows as fit, so a row of 2.1 KiB takes a page alone — and
 * its overflow pages, whole.
 */
function recordBytes(bytes: number): number {
  if (bytes <= MAX_LOCAL) return inPage(bytes)
  const rest = MIN_LOCAL + ((bytes - MIN_LOCAL) % OVERFLOW_BYTES)
  const local = rest <= MAX_LOCAL ? rest : MIN_LOCAL
  return inPage(local) + Math.ceil((bytes - local) / OVERFLOW_BYTES) * PAGE_BYTES
}

function inPage(bytes: number): number {
  return Math.ceil(PAGE_BYTES / Math.floor(PAGE_ROOM / (bytes + CELL_BYTES)))
}

/** An event's bytes in a sqlite batch. */
export function sqliteEventBytes(event: TaskEvent): number {
  return eventBytes(event, TOTAL_BYTES)
}

/** A batch row holding events of `eventBytes` (their payload and totals) of the task `id`: the row, its overflow pages and its index entry. */
export function batchRowBytes(id: string, eventBytes: number): number {
  const idBytes = Buffer.byteLength(id)
  return BATCH_ROW_BYTES + idBytes + recordBytes(eventBytes + idBytes + BATCH_RECORD_BYTES)
}

/** What an output or error of `bytes` adds to its task's row (overflow pages whole). */
export function outputBytes(bytes: number): number {
  return bytes === 0 ? 0 : recordBytes(bytes + TASK_RECORD_BYTES) - TASK_RECORD_BYTES
}

/**
 * A new task's row (SQL over the inserted values): the fixed part, its texts,
 * and its id once more in the primary key's index. One formula for inserts
 * and for counting the rows of a file from before (schema-upgrade.ts).
 */
export function taskRowBytesSql(id: string, workflowId: string, owner: string): string {
  return `${TASK_ROW_BYTES} + 2 * octet_length(${id}) + octet_length(${workflowId}) + octet_length(${owner})`
}
