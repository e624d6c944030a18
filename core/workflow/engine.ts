// Runs a workflow: its jobs as a graph (schedule.ts says which can start),
// independent jobs in parallel, each run by its type (jobs/) under its retry
// and on_error. A job's condition can skip it; a job whose dependencies never
// got done does not run. A stream feeding a later job is drained first (unless
// that job takes it item by item); only the workflow's output streams. One
// failing job cancels the others and fails the run.

import { lookup, truthy, type Scope } from '../binding/evaluate.ts'
import type { JobModel, WorkflowModel } from '../model/compose-model.ts'
import { invalidInput, noteWhere } from '../errors.ts'
import { DEFAULT_JOB_ID } from '../model/ids.ts'
import { drain } from '../stream/drain.ts'
import { isStream } from '../stream/stream.ts'
import type { ComponentRuntime } from './component-runtime.ts'
import { runAttempts } from './attempts.ts'
import { output, type JobResult } from '../model/job-contract.ts'
import { pauser } from './interrupt.ts'
import { inStep } from './run-scope.ts'
import { spanned } from '../observe/current-span.ts'
import type { Span } from '../observe/span.ts'
import { Schedule } from './schedule.ts'
import { renderOutput } from './render-output.ts'

type Outcome = JobResult | { kind: 'skipped' }

export interface WorkflowRunContext {
  components: ReadonlyMap<string, ComponentRuntime>
  env: Record<string, string | undefined>
  signal: AbortSignal
  /** A run nobody waits for: it waits behind the others for a component's slot. */
  background?: boolean
}

/** Runs the workflow one step deeper in its task's call path (run-scope.ts). */
export function runWorkflow(workflow: WorkflowModel, requestInput: unknown, context: WorkflowRunContext): Promise<unknown> {
  return inStep(workflow.id, () => runJobs(workflow, requestInput, context))
}

async function runJobs(workflow: WorkflowModel, requestInput: unknown, context: WorkflowRunContext): Promise<unknown> {
  const { env, components } = context
  const input = workflow.input ? await renderOutput(workflow.input, { input: requestInput, env }) : requestInput
  const jobs: Record<string, { output: unknown }> = {}
  const scope: Scope = { input, env, jobs }
  // One failing job cancels the jobs running beside it.
  const failure = new AbortController()
  const signal = AbortSignal.any([context.signal, failure.signal])
  const settled = outputsToSettle(workflow)
  const schedule = new Schedule(workflow.jobs)
  const skippedByCondition = new Set<string>()
  /** Streams a job took item by item: no one else reads them. */
  const taken = new Set<unknown>()

  const runJob = (job: JobModel): Promise<Outcome> =>
    runJobBody(job).catch((error: unknown) => {
      // The failing job names itself (not one mc named: a lone job); the jobs it cancels do not.
      if (!signal.aborted && job.id !== DEFAULT_JOB_ID) noteWhere(error, { job: job.id })
      throw error
    })
  const runJobBody = async (job: JobModel): Promise<Outcome> => {
    signal.throwIfAborted()
    if (job.condition && !truthy(await renderOutput(job.condition, scope))) return { kind: 'skipped' }
    if (job.body.takesStreamOf) taken.add(jobs[job.body.takesStreamOf]?.output)
    const pause = pauser(job.id, job.interrupt, scope)
    const run = () => runAttempts(job, { scope, components, signal, background: context.background ?? false, pause }, settled.has(job.id))
    if (!job.interrupt || job.body.pausesPerRun) return run()
    // A job of another type pauses around its whole body; its input is its own (an answer before goes on unused).
    await pause('before', null, { input: null }, null)
    const result = await run()
    return result.kind === 'output' ? output(await pause('after', result.value, { input: null }, null)) : result
  }

  const running = new Map<string, Promise<{ job: JobModel; outcome: Outcome }>>()
  try {
    for (;;) {
      for (const job of schedule.start()) {
        const attributes = { 'workflow.id': workflow.id, 'job.id': job.id }
        const run = inStep(job.id, () => spanned('job', job.id, attributes, signal, (span) => runJob(job).then((outcome) => noteRoute(span, outcome)))).then((outcome) => ({ job, outcome }))
        run.catch(() => {})
        running.set(job.id, run)
      }
      if (running.size === 0) break
      const { job, outcome } = await Promise.race(running.values())
      running.delete(job.id)
      skippedByCondition.delete(job.id)
      if (outcome.kind === 'skipped') {
        skippedByCondition.add(job.id)
        schedule.skipped(job.id)
      } else if (outcome.kind === 'route') {
        for (const id of schedule.route(job.id, outcome.to)) delete jobs[id]
      } else {
        jobs[job.id] = { output: outcome.value }
        schedule.done(job.id)
      }
    }
  } catch (error) {
    failure.abort(error)
    throw error
  }

  if (skippedByCondition.size > 0 && !workflow.jobs.some((job) => schedule.isDone(job.id))) throw nothingRan(workflow, skippedByCondition, scope)
  // `${output}`: the output of the last job, in dependency order, that gave one.
  let last: unknown = null
  for (const job of workflow.jobs) if (job.id in jobs) last = jobs[job.id]!.output
  // A streamed job output that the workflow's output does not read still runs to its end.
  const read = new Set<unknown>(taken)
  for (const ref of workflow.output.refs) {
    if (ref.key === 'output') read.add(last)
    if (ref.key === 'jobs' && typeof ref.path[0] === 'string') read.add(jobs[ref.path[0]]?.output)
  }
  for (const { output } of Object.values(jobs)) if (isStream(output) && !read.has(output)) drain(output).catch(() => {})
  return renderOutput(workflow.output, { input, env, jobs, output: last })
}

/** A routing job's choice, on its span: the WebSocket's `routed` job_event reads it (a no-op unobserved). */
function noteRoute(span: Span, outcome: Outcome): Outcome {
  if (outcome.kind === 'route' && outcome.to !== null) span.set('job.next_job_id', outcome.to)
  return outcome
}

/**
 * The jobs whose output a later job reads, to be read whole when done; except
 * an output only one job reads, item by item (a filter or for-each whose input
 * it is), and the workflow's output does not read.
 */
function outputsToSettle(workflow: WorkflowModel): Set<string> {
  const readBy = new Map<string, JobModel[]>()
  for (const job of workflow.jobs) for (const id of new Set(job.dependsOn.flat())) readBy.set(id, [...(readBy.get(id) ?? []), job])
  const readByOutput = new Set(workflow.output.refs.filter((ref) => ref.key === 'jobs').map((ref) => ref.path[0]))
  const settled = new Set<string>()
  for (const [id, readers] of readBy) {
    const takenWhole = readers.length === 1 && readers[0]!.body.takesStreamOf === id && !readByOutput.has(id)
    if (!takenWhole) settled.add(id)
  }
  return settled
}

/** Every job was skipped: say which conditions were false, with the values they read. */
function nothingRan(workflow: WorkflowModel, skipped: Set<string>, scope: Scope): Error {
  const jobs = workflow.jobs.filter((job) => skipped.has(job.id))
  const read = new Map<string, unknown>()
  for (const job of jobs) {
    for (const ref of job.condition!.refs) if (ref.key === 'input') read.set(['input', ...ref.path].join('.'), lookup(scope, ref))
  }
  const values = [...read].map(([name, value]) => `${name} = ${JSON.stringify(value)}`).join(', ')
  return invalidInput(`no job ran: every job was skipped by its condition (${jobs.map((j) => j.id).join(', ')})${values ? `, given ${values}` : ''}`)
}
