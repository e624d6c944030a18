// A task as the HTTP API shows it (`GET /tasks/{id}`, a waited run's answer):
// its id and status, the output once completed (and whether it was cut short),
// the error once failed, the point it waits at once interrupted.

import type { InterruptPoint, TaskStatus } from '../tasks/store/task-store.ts'

export interface TaskFacts {
  task_id: string
  status: TaskStatus
  output?: unknown
  /** The output is the start of a longer stream: the rest was not kept (MC_TASK_OUTPUT_BYTES). */
  output_truncated?: boolean
  error?: string
  /** Where an interrupted task waits for its answer. */
  interrupt?: InterruptPoint
}

export function taskView(task: TaskFacts): Record<string, unknown> {
  return {
    task_id: task.task_id,
    status: task.status,
    ...(task.status === 'completed' ? { output: task.output ?? null } : {}),
    ...(task.output_truncated ? { output_truncated: true } : {}),
    ...(task.error !== undefined ? { error: task.error } : {}),
    ...(task.status === 'interrupted' && task.interrupt ? { interrupt: task.interrupt } : {}),
  }
}
