// Keeps a sqlite store within its bounds: sweeps retention (sqlite-retention.ts)
// after a turn's finishes and creates, when appends take the store over its
// bound, and every SWEEP_INTERVAL_MS; then gives freed pages back to the
// system (file-shrink.ts). Each sweep is bounded; the rest goes on in later
// turns of the event loop.

import type { Database } from 'bun:sqlite'
import { sweepRetention } from './sqlite-retention.ts'
import type { Statements } from './sqlite-statements.ts'
import { SweepTrigger } from '../sweep-trigger.ts'
import type { Retention } from '../task-store.ts'
import { shrinkStep, truncateLog, worthShrinking } from './file-shrink.ts'

export class SqliteUpkeep {
  /** A finish since the last sweep: the next commit sweeps (once for all the finishes of a turn). */
  private due = false
  private scheduled = false
  private readonly trigger: SweepTrigger

  constructor(
    private readonly db: Database,
    private readonly sql: Statements,
    private readonly retention: Retention,
    /** Runs a function in a write transaction (after committing this process's open appends). */
    private readonly write: <T>(work: () => T) => T,
  ) {
    this.trigger = new SweepTrigger(retention.maxBytes)
  }

  markDue(): void {
    this.due = true
  }

  /** After a commit of task writes. */
  afterCommit(): void {
    if (!this.due) return
    this.due = false
    this.sweepAll()
  }

  /** After a write that added bytes (appends once committed, a create), with what the store holds now. */
  storedBytes(total: number): void {
    // Once the current work is done, even if what follows is more appends in microtasks (a source that never waits).
    if (this.trigger.wants(total) && !this.scheduled) {
      this.scheduled = true
      queueMicrotask(() => {
        this.scheduled = false
        this.sweepAll()
      })
    }
  }

  /** Sweeps, then shrinks the file and its log: what the timer runs. */
  periodic(): void {
    this.sweepAll()
    try {
      truncateLog(this.db)
    } catch {} // busy or gone for now: the next time
  }

  /** Sweeps until done, a bounded sweep per turn of the event loop, then shrinks the file. */
  sweepAll(): void {
    let swept: ReturnType<typeof sweepRetention>
    try {
      swept = this.write(() => sweepRetention(this.sql, this.retention))
    } catch {
      return // the file is busy or gone for now: the next finish or the timer sweeps again
    }
    if (swept.more) return this.soon()
    this.trigger.swept(swept.storedBytes)
    this.shrink()
  }

  private soon(): void {
    if (this.scheduled) return
    this.scheduled = true
    setTimeout(() => {
      this.scheduled = false
      this.sweepAll()
    }, 0).unref()
  }

  /** Gives freed pages back (when worth it), a step per turn, then truncates the log. */
  private shrink(started = false): void {
    let more: boolean
    try {
      if (!started && !worthShrinking(this.db)) return
      more = this.write(() => shrinkStep(this.db))
      if (!more) truncateLog(this.db)
    } catch {
      return // busy or gone for now: the next sweep tries again
    }
    if (more) setTimeout(() => this.shrink(true), 0).unref()
  }
}
