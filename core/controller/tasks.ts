// Tasks: one per workflow run, looked up by id (a ULID). Finished tasks are
// kept for `GET /tasks/{id}` within two bounds: an hour, and a budget of bytes
// for their outputs (MC_TASK_MEMORY_BYTES), the oldest dropped first. A dropped
// task leaves a small tombstone, so a late client learns what happened to it.

import { ulid } from 'ulid'
import { describeBytes } from '../settings.ts'
import { approximateSize } from './value-size.ts'

export type TaskStatus = 'pending' | 'processing' | 'completed' | 'failed'

export interface Task {
  task_id: string
  workflow_id: string
  status: TaskStatus
  output?: unknown
  error?: string
  /** Set while the run is going; aborting it cancels the run. */
  abort?: AbortController
  finishedAt?: number
  /** About how much memory the kept output takes. */
  bytes?: number
}

/** What is left of a finished task whose output was dropped. */
export interface DroppedTask {
  task_id: string
  status: TaskStatus
  reason: string
}

const KEEP_FINISHED_MS = 60 * 60 * 1000
const MAX_FINISHED = 10_000
const MAX_TOMBSTONES = 10_000

export class TaskStore {
  private readonly tasks = new Map<string, Task>()
  /** Ids of finished tasks, oldest first. */
  private readonly finished: string[] = []
  private readonly dropped = new Map<string, DroppedTask>()
  private keptBytes = 0

  constructor(private readonly maxBytes: number) {}

  create(workflowId: string): Task {
    const task: Task = { task_id: ulid(), workflow_id: workflowId, status: 'pending', abort: new AbortController() }
    this.tasks.set(task.task_id, task)
    return task
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id)
  }

  /** A finished task that is no longer kept, and why. */
  droppedTask(id: string): DroppedTask | undefined {
    return this.dropped.get(id)
  }

  complete(task: Task, output: unknown): void {
    if (!this.finish(task, 'completed')) return
    task.output = output
    this.keep(task, output)
  }

  fail(task: Task, error: string): void {
    if (!this.finish(task, 'failed')) return
    task.error = error
    this.keep(task, error)
  }

  /** Aborts every run still going (the server is stopping). */
  abortAll(reason: string): void {
    for (const task of this.tasks.values()) task.abort?.abort(new Error(reason))
  }

  private finish(task: Task, status: TaskStatus): boolean {
    if (task.status === 'completed' || task.status === 'failed') return false
    task.status = status
    task.finishedAt = Date.now()
    // The run is over: abort its controller so nothing it started lingers.
    task.abort?.abort(new Error('run finished'))
    delete task.abort
    this.finished.push(task.task_id)
    return true
  }

  /** Counts what a finished task keeps against the budget, then drops the oldest beyond it. */
  private keep(task: Task, kept: unknown): void {
    task.bytes = approximateSize(kept, this.maxBytes)
    this.keptBytes += task.bytes
    this.evict(task.finishedAt!)
  }

  private evict(now: number): void {
    while (this.finished.length > 0) {
      const oldest = this.tasks.get(this.finished[0]!)!
      const expired = now - oldest.finishedAt! > KEEP_FINISHED_MS
      const overBudget = this.keptBytes > this.maxBytes
      if (!expired && !overBudget && this.finished.length <= MAX_FINISHED) return
      this.finished.shift()
      this.tasks.delete(oldest.task_id)
      this.keptBytes -= oldest.bytes ?? 0
      if (!expired) this.tombstone(oldest)
    }
  }

  private tombstone(task: Task): void {
    const reason = `task "${task.task_id}" ${task.status}, but it is no longer kept: finished tasks keep at most ${describeBytes(this.maxBytes)} of outputs (MC_TASK_MEMORY_BYTES), the oldest dropped first`
    this.dropped.set(task.task_id, { task_id: task.task_id, status: task.status, reason })
    if (this.dropped.size > MAX_TOMBSTONES) this.dropped.delete(this.dropped.keys().next().value!)
  }
}

/** The public view of a task. */
export function taskView(task: Task): Record<string, unknown> {
  return {
    task_id: task.task_id,
    status: task.status,
    ...(task.status === 'completed' ? { output: task.output ?? null } : {}),
    ...(task.error !== undefined ? { error: task.error } : {}),
  }
}
