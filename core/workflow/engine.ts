// Runs a workflow: its jobs as a graph, each starting as soon as the jobs it
// depends on are done (independent jobs run in parallel). A job's condition
// can skip it, and a job whose dependency was skipped is skipped too. A stream
// feeding a later job is drained first; only the workflow's output streams.

import { lookup, truthy, type Scope } from '../binding/evaluate.ts'
import type { JobModel, WorkflowModel } from '../compose/model.ts'
import { invalidInput } from '../errors.ts'
import { drain, isStream, settle } from '../stream/operators.ts'
import type { ComponentRuntime } from './component-runtime.ts'
import { renderOutput } from './render-output.ts'

type Outcome = { status: 'completed'; output: unknown } | { status: 'skipped'; byCondition: boolean }

export interface WorkflowRunContext {
  components: ReadonlyMap<string, ComponentRuntime>
  env: Record<string, string | undefined>
  signal: AbortSignal
}

export async function runWorkflow(workflow: WorkflowModel, requestInput: unknown, context: WorkflowRunContext): Promise<unknown> {
  const { env } = context
  const input = workflow.input ? await renderOutput(workflow.input, { input: requestInput, env }) : requestInput
  const jobs: Record<string, { output: unknown }> = {}
  const feeds = new Set(workflow.jobs.flatMap((job) => job.dependsOn))
  // One failing job cancels the jobs running beside it.
  const failure = new AbortController()
  const signal = AbortSignal.any([context.signal, failure.signal])
  const outcomes = new Map<string, Promise<Outcome>>()

  const runJob = (job: JobModel): Promise<Outcome> => {
    let outcome = outcomes.get(job.id)
    if (!outcome) {
      outcome = (async (): Promise<Outcome> => {
        const deps = await Promise.all(job.dependsOn.map((id) => runJob(workflow.jobs.find((j) => j.id === id)!)))
        if (deps.some((d) => d.status === 'skipped')) return { status: 'skipped', byCondition: false }
        signal.throwIfAborted()
        const scope: Scope = { input, env, jobs }
        if (job.condition && !truthy(await renderOutput(job.condition, scope))) return { status: 'skipped', byCondition: true }
        const jobInput = await renderOutput(job.input, scope)
        const result = await context.components.get(job.component.id)!.run(job.action, jobInput, signal)
        let output = await renderOutput(job.output, { ...scope, output: result })
        if (feeds.has(job.id)) output = await settle(output)
        jobs[job.id] = { output }
        return { status: 'completed', output }
      })()
      outcome.catch((error) => failure.abort(error))
      outcomes.set(job.id, outcome)
    }
    return outcome
  }

  const results = await Promise.all(workflow.jobs.map(runJob))
  if (results.length > 0 && !results.some((r) => r.status === 'completed')) throw nothingRan(workflow, results, { input, env, jobs })
  let last: unknown = null
  results.forEach((result) => {
    if (result.status === 'completed') last = result.output
  })
  // A streamed job output that the workflow's output does not read still runs to its end.
  const read = new Set<unknown>()
  for (const ref of workflow.output.refs) {
    if (ref.key === 'output') read.add(last)
    if (ref.key === 'jobs' && typeof ref.path[0] === 'string') read.add(jobs[ref.path[0]]?.output)
  }
  for (const result of results) {
    if (result.status === 'completed' && isStream(result.output) && !read.has(result.output)) drain(result.output).catch(() => {})
  }
  return renderOutput(workflow.output, { input, env, jobs, output: last })
}

/** Every job was skipped: say which conditions were false, with the values they read. */
function nothingRan(workflow: WorkflowModel, results: Outcome[], scope: Scope): Error {
  const skipped = workflow.jobs.filter((_, i) => results[i]?.status === 'skipped' && results[i].byCondition)
  const read = new Map<string, unknown>()
  for (const job of skipped) {
    for (const ref of job.condition!.refs) if (ref.key === 'input') read.set(['input', ...ref.path].join('.'), lookup(scope, ref))
  }
  const values = [...read].map(([name, value]) => `${name} = ${JSON.stringify(value)}`).join(', ')
  return invalidInput(`no job ran: every job was skipped by its condition (${skipped.map((j) => j.id).join(', ')})${values ? `, given ${values}` : ''}`)
}
