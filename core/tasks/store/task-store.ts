// Where tasks live: one small interface, one file per backend — the embedded
// default on bun:sqlite (sqlite-store.ts) and Redis (redis-store.ts), shared by
// many mc processes. A task is a workflow run: its status, its output or error,
// and, for a run whose output streams, the SSE events it sent, recorded (within
// a bound) so that a client can attach to the stream or resume it after a drop
// (follow.ts reads them; the controller writes them).

// `interrupted`: the run waits at a job's `interrupt` for a human's answer
// (core/workflow/interrupt.ts); its point and what it needs to go on (its
// input and journal) stay in the store, so any process may resume it.
export type TaskStatus = 'pending' | 'processing' | 'interrupted' | 'completed' | 'failed'

/** Where an interrupted run waits, as clients see it (model-compose's InterruptState). */
export interface InterruptPoint {
  job_id: string
  run_id: string | null
  phase: 'before' | 'after'
  message: string | null
  metadata: unknown
}

export interface NewTask {
  task_id: string
  workflow_id: string
  /** The mc process that runs it (instance-id.ts): when that process is gone, its unfinished tasks fail as "abandoned" (an interrupted one waits on). */
  owner: string
}

export interface StoredTask {
  task_id: string
  workflow_id: string
  status: TaskStatus
  /** A completed run's output (null for a streamed run: its events are its output). */
  output?: unknown
  /** The output is only the start of what the run produced: the rest was beyond what a task keeps. */
  output_truncated?: true
  error?: string
  /** Where an `interrupted` task waits. */
  interrupt?: InterruptPoint
  /** The run's output is a stream of events. */
  streamed: boolean
  owner: string
  /** Milliseconds since the epoch. */
  created_at: number
  finished_at?: number
  /**
   * Set when retention dropped the task's output, error and events but kept
   * the task (a tombstone): why, for the 410 a late client gets.
   */
  dropped?: string
}

/** One recorded SSE event of a task's stream. `seq` counts 1, 2, 3… per task. */
export interface TaskEvent {
  seq: number
  /** The SSE `event:` field; absent for a plain chunk. */
  event?: string
  data: string
}

export interface EventWindow {
  events: TaskEvent[]
  /**
   * The oldest `seq` still recorded (the recording is bounded: the oldest
   * events go first). A reader asking for events after a seq older than
   * `firstSeq - 1` has missed some.
   */
  firstSeq: number
  /** The newest `seq` recorded so far (0: none yet). */
  lastSeq: number
}

export type TaskOutcome = { status: 'completed'; output: unknown; output_truncated?: true } | { status: 'failed'; error: string }

export interface TaskStore {
  /** "sqlite" or "redis", for logs. */
  readonly kind: string
  create(task: NewTask): Promise<void>
  /** pending → processing. */
  start(id: string): Promise<void>
  /** Marks the run's output as a stream (before its first event). */
  markStreamed(id: string): Promise<void>
  /**
   * Takes over an unfinished task for `owner` (a queue worker running a task
   * an entry point created): from then on its cancel requests go to, and its
   * interruption follows, the new owner. False when the task is unknown or finished.
   */
  claim(id: string, owner: string): Promise<boolean>
  /**
   * processing → interrupted at `point`, keeping `state` (text the resume gets
   * back). An interrupted task no longer follows its owner: it is not failed
   * when its process goes, and retention keeps it as it keeps running tasks.
   * False when the task is unknown, finished, or not processing.
   */
  interrupt(id: string, point: InterruptPoint, state: string): Promise<boolean>
  /**
   * interrupted → processing for `owner`, atomically: of concurrent resumes
   * one gets the kept state, the others undefined (as for a task not interrupted).
   */
  resume(id: string, owner: string): Promise<string | undefined>
  /** Finishes a task once; false when it had finished already (a second outcome is ignored). */
  finish(id: string, outcome: TaskOutcome): Promise<boolean>
  get(id: string): Promise<StoredTask | undefined>
  /** Appends events (ascending seq, continuing the task's last one); trims the oldest beyond the bound. */
  appendEvents(id: string, events: TaskEvent[]): Promise<void>
  /** Up to `limit` events with seq > `afterSeq`, and the window they come from. */
  readEvents(id: string, afterSeq: number, limit: number): Promise<EventWindow>
  /**
   * Resolves when the task may have changed after `afterSeq` (new events, or a
   * status change), when `timeoutMs` passes, or when `signal` aborts. Readers
   * then read again: a spurious wake-up is allowed, a missed one is not.
   */
  waitForChange(id: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<void>
  /** Asks whichever process runs the task to cancel it. */
  requestCancel(id: string): Promise<void>
  /** Calls `listener` with the id of every task someone asked to cancel; returns the unsubscribe. */
  onCancelRequest(listener: (id: string) => void): () => void
  /**
   * At start: every unfinished task whose owner is gone (this process's
   * earlier life included) becomes failed, error "abandoned: …" — except an
   * interrupted one, which waits for its answer. Returns how many.
   */
  recover(): Promise<number>
  close(): Promise<void>
}

/** Bounds on what the store keeps (retention.ts says in what order it lets go). */
export interface Retention {
  /** Finished tasks older than this are deleted (tombstones too). */
  maxAgeMs: number
  /**
   * Everything the store holds, in bytes as it stores them (rows and keys,
   * running tasks and tombstones included): beyond it, finished tasks lose
   * their outputs and events (the oldest first; a tombstone stays), then
   * tombstones go, then running tasks' recordings are cut down to RUNNING_FLOOR_BYTES.
   */
  maxBytes: number
  /** One task's recorded events, in bytes as stored: beyond it its oldest events go. */
  maxStreamBytes: number
  /** Tombstones kept at most (default DEFAULT_MAX_TOMBSTONES): beyond it the oldest are deleted. */
  maxTombstones?: number
}
