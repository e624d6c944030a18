// Tasks: one per workflow run, looked up by id (a ULID). Finished tasks are
// kept for a while so that `GET /tasks/{id}` can report them, then dropped.

import { ulid } from 'ulid'

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
}

const KEEP_FINISHED_MS = 60 * 60 * 1000
const MAX_FINISHED = 10_000

export class TaskStore {
  private readonly tasks = new Map<string, Task>()
  /** Ids of finished tasks, oldest first. */
  private readonly finished: string[] = []

  create(workflowId: string): Task {
    const task: Task = { task_id: ulid(), workflow_id: workflowId, status: 'pending', abort: new AbortController() }
    this.tasks.set(task.task_id, task)
    return task
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id)
  }

  complete(task: Task, output: unknown): void {
    this.finish(task, 'completed')
    task.output = output
  }

  fail(task: Task, error: string): void {
    this.finish(task, 'failed')
    task.error = error
  }

  /** Aborts every run still going (the server is stopping). */
  abortAll(reason: string): void {
    for (const task of this.tasks.values()) task.abort?.abort(new Error(reason))
  }

  private finish(task: Task, status: TaskStatus): void {
    if (task.status === 'completed' || task.status === 'failed') return
    task.status = status
    task.finishedAt = Date.now()
    // The run is over: abort its controller so nothing it started lingers.
    task.abort?.abort(new Error('run finished'))
    delete task.abort
    this.finished.push(task.task_id)
    this.evict(task.finishedAt)
  }

  private evict(now: number): void {
    while (this.finished.length > 0) {
      const oldest = this.tasks.get(this.finished[0]!)
      const expired = oldest?.finishedAt !== undefined && now - oldest.finishedAt > KEEP_FINISHED_MS
      if (!expired && this.finished.length <= MAX_FINISHED) return
      this.tasks.delete(this.finished.shift()!)
    }
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
