// Resuming an interrupted task (POST /tasks/{id}/resume, and the MCP adapter's
// resume tool): the answer goes to the job that waits. The store decides who
// resumes (of concurrent resumes one wins, the others get 409). A run waiting
// in this process goes on where it stands; otherwise (mc restarted, or the
// task was interrupted in another process sharing the store) the run is
// replayed from its journal under the same task id: journaled component runs
// give their recorded results, and the answered point goes past with the answer.
// Either way the run is admitted again under MC_MAX_RUNS first (it stood aside
// while it waited): when full, 503 with Retry-After, and the task stays interrupted.

import { badRequest, HttpError, messageOf, notFound } from '../errors.ts'
import { instanceId } from '../tasks/store/instance-id.ts'
import type { StoredTask } from '../tasks/store/task-store.ts'
import { RunJournal } from '../workflow/run-journal.ts'
import { runInBackground, type RunHandlerOptions } from './run-request.ts'
import type { SuspendedRun } from './task-interrupts.ts'
import { TaskRun, type TaskRunContext } from './task-run.ts'

/** model-compose's resume body: the job that waits (its run, for parallel runs) and the answer. */
export interface ResumeRequest {
  job_id: string
  run_id?: string | null
  /** Not null: replaces the job's input (before) or output (after). */
  answer?: unknown
}

export type ResumeOptions = TaskRunContext & Pick<RunHandlerOptions, 'taskOutputBytes' | 'admission'>

const conflict = (message: string) => new HttpError(409, message)

/** Reads and checks a resume body: 400 naming the field. */
export function parseResumeRequest(body: unknown): ResumeRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body: expected a JSON object with job_id (and run_id, answer)')
  const raw = body as Record<string, unknown>
  const known = new Set(['job_id', 'run_id', 'answer'])
  for (const key of Object.keys(raw)) if (!known.has(key)) throw badRequest(`${key}: unknown field (fields: ${[...known].join(', ')})`)
  if (typeof raw.job_id !== 'string' || raw.job_id === '') throw badRequest('job_id: expected the id of the job the task waits at (its "interrupt.job_id")')
  if (raw.run_id !== undefined && raw.run_id !== null && typeof raw.run_id !== 'string') throw badRequest(`run_id: expected a string or null, got ${JSON.stringify(raw.run_id)}`)
  return { job_id: raw.job_id, ...(raw.run_id != null ? { run_id: raw.run_id as string } : {}), ...('answer' in raw ? { answer: raw.answer } : {}) }
}

/**
 * Resumes the task: its view as model-compose gives it (`processing`). 404 for
 * an unknown task; 409 for one not interrupted (or resumed meanwhile by
 * another request), or waiting at another job or run than named.
 */
export async function resumeTask(taskId: string, request: ResumeRequest, options: ResumeOptions): Promise<Record<string, unknown>> {
  const { store } = options
  const task = await store.get(taskId)
  if (!task) throw notFound(`unknown task "${taskId}"`)
  checkPoint(task, request)
  // Admitted before the store lets it go on: a waiting run here counts again, a replay takes a place of its own.
  const held = options.live.get(taskId)
  const interrupts = held instanceof TaskRun ? held.interrupts : undefined
  const unclaim = interrupts?.claim()
  const leave = unclaim ? undefined : options.admission.admit(true)
  const giveBack = () => (unclaim ?? leave)?.()
  let kept: string | undefined
  try {
    kept = await store.resume(taskId, instanceId())
  } catch (error) {
    giveBack()
    throw error
  }
  if (kept === undefined) {
    giveBack()
    throw conflict(`task "${taskId}" is no longer interrupted: another request resumed or cancelled it`)
  }
  const answer = request.answer ?? null
  // The claimed run may have ended meanwhile (the server stopping): it is replayed like one held nowhere (its place went with it).
  if (!(unclaim && interrupts?.answer(answer))) await replay(taskId, JSON.parse(kept) as SuspendedRun, answer, options, leave)
  return { task_id: taskId, status: 'processing' }
}

function checkPoint(task: StoredTask, request: ResumeRequest): void {
  const point = task.interrupt
  if (task.status !== 'interrupted' || !point) throw conflict(`task "${task.task_id}" is not interrupted (it is ${task.status}): only an interrupted task can be resumed`)
  if (point.job_id !== request.job_id) throw conflict(`job_id: task "${task.task_id}" waits at job "${point.job_id}", not "${request.job_id}"`)
  if (request.run_id !== undefined && point.run_id !== null && point.run_id !== request.run_id) {
    throw conflict(`run_id: task "${task.task_id}" waits at run "${point.run_id}" of job "${point.job_id}", not "${request.run_id}"`)
  }
}

/** Runs the task again from its journal, the answered point going past with the answer; `leave` gives back its admission. */
async function replay(taskId: string, state: SuspendedRun, answer: unknown, options: ResumeOptions, leave = () => {}): Promise<void> {
  const { store, runtime } = options
  // The store gave this process the task: what keeps it from going on fails it, saying why.
  const fail = async (reason: string) => {
    leave()
    await store.finish(taskId, { status: 'failed', error: reason })
    throw conflict(`task "${taskId}" cannot be resumed here: ${reason}`)
  }
  if (state.journal === null) return fail('what its run produced before the interrupt was beyond MC_TASK_STREAM_BYTES and was not kept, and the process that ran it is gone')
  const workflow = runtime.findWorkflow(state.workflow_id)
  if (!workflow) return fail(`its workflow "${state.workflow_id}" is no longer in the compose file`)
  const journal = new RunJournal(state.journal)
  journal.decided(state.key, answer)
  try {
    const run = TaskRun.resumed(taskId, workflow, journal, options)
    void run.settled.finally(leave)
    void runInBackground(run, run.start(state.input), options)
  } catch (error) {
    return fail(messageOf(error))
  }
}
