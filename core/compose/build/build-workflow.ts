// Pass 6b: one workflow of the validated document → its typed model: each job
// built by its type (core/workflow/jobs/), its common keys (depends_on, retry,
// on_error, ...) read here, the job graph checked, and the input/output
// schemas derived for clients and UIs.

import { Type, type TObject } from '@sinclair/typebox'
import { STREAM_FORMATS } from '../../binding/ast.ts'
import { ComposeError } from '../../model/compose-error.ts'
import type { OnErrorPolicy, RetryPolicy } from '../../model/job-contract.ts'
import { jobBuildContext } from './build-context.ts'
import type { JobType } from '../../model/job-contract.ts'
import { JOB_TYPE_NAMES, jobType, UNSUPPORTED_JOB_KEYS } from '../../workflow/jobs/registry.ts'
import { deriveInputSchema, deriveOutputSchema, type OwnedRoute } from '../../workflow/schema.ts'
import { toMilliseconds } from '../../model/duration.ts'
import { orderJobs } from './job-graph.ts'
import type { ComponentModel, JobModel, WorkflowModel } from '../../model/compose-model.ts'
import { nameList } from './name-list.ts'
import { placeAtPath, placeOf, sourceKeyPath } from '../../model/places.ts'
import { validate } from './validate.ts'
import { compileAt } from './compile-at.ts'
import { checkDeclaredInput } from './declared-input.ts'
import { interruptsOf } from './job-interrupts.ts'
import { DEFAULT_MAX_RUN_COUNT, JobCommonSchema, WorkflowSchema } from './workflow-schema.ts'
import type { Doc, Path } from '../../model/doc.ts'

export { defaultComponentId } from './build-context.ts'


export function buildWorkflow(raw: Doc, root: Doc, path: Path, components: Map<string, ComponentModel>): WorkflowModel {
  const checked = validate<Doc>(WorkflowSchema, raw, root, path)
  const id = checked.id as string
  const rawJobs = raw.jobs as Doc[]
  const ids = rawJobs.map((job) => job.id as string)
  const jobs: JobModel[] = rawJobs.map((job, i) => buildJob(job, root, [...path, 'jobs', i], components, ids))
  const seen = new Set<string>()
  jobs.forEach((job, i) => {
    if (seen.has(job.id)) throw new ComposeError(`duplicate job id "${job.id}"`, placeOf(rawJobs[i], 'id'), sourceKeyPath(root, [...path, 'jobs', i, 'id']))
    seen.add(job.id)
  })
  const targets = new Set(jobs.flatMap((job) => job.routes))
  if (jobs.length > 0 && jobs.every((job) => targets.has(job.id))) {
    throw new ComposeError('every job is a routing target (of if, switch, random-router or on_error.to): none starts the run', placeAtPath(root, [...path, 'jobs']), sourceKeyPath(root, [...path, 'jobs']))
  }
  const ordered = orderJobs(jobs, rawJobs, root, [...path, 'jobs'])
  // Branches run only when routed to, and so do the jobs that wait on nothing but branches.
  const branches = new Set<string>()
  for (const job of ordered) if (targets.has(job.id) || job.dependsOn.some((group) => group.every((dep) => branches.has(dep)))) branches.add(job.id)
  const output = compileAt(raw.output ?? '${output}', root, [...path, 'output'])
  const input = raw.input === undefined ? undefined : compileAt(raw.input, root, [...path, 'input'])
  const format = output.whole?.binding.format
  if (input) checkDeclaredInput(raw.input, [output, ...ordered.flatMap((job) => inputRoute(job, false, undefined).direct)])
  // The workflow's output sees the workflow input too.
  const componentOf = new Map(rawJobs.map((job) => [job.id as string, typeof job.component === 'string' ? job.component : undefined]))
  const routes: OwnedRoute[] = [
    ...(input ? [{ direct: [input], component: [], passThrough: false, renames: new Map() }] : ordered.map((job) => inputRoute(job, branches.has(job.id), componentOf.get(job.id)))),
    { direct: [output], component: [], passThrough: false, renames: new Map() },
  ]
  return {
    id,
    ...(checked.name !== undefined ? { name: checked.name as string } : {}),
    ...(checked.private === true ? { isPrivate: true } : {}),
    ...(checked.title !== undefined ? { title: checked.title as string } : {}),
    ...(checked.description !== undefined ? { description: checked.description as string } : {}),
    isDefault: checked.default === true,
    ...(input ? { input } : {}),
    output,
    jobs: ordered,
    inputSchema: deriveInputSchema(routes),
    outputSchema: deriveOutputSchema(output, raw.output ?? '${output}'),
    ...(format && STREAM_FORMATS.has(format) ? { streamFormat: format as 'sse-text' | 'sse-json' } : {}),
  }
}

/** Each job type's keys with the common ones, built once. */
const schemas = new Map<JobType, TObject>()

function buildJob(raw: Doc, root: Doc, path: Path, components: Map<string, ComponentModel>, ids: string[]): JobModel {
  for (const [key, why] of Object.entries(UNSUPPORTED_JOB_KEYS)) {
    if (raw[key] !== undefined) throw new ComposeError(`"${key}" is a model-compose job key that mc cannot honour: ${why}`, placeOf(raw, key, 'key'), sourceKeyPath(root, [...path, key]))
  }
  const type = jobType(raw.type)
  if (!type) {
    throw new ComposeError(`${JSON.stringify(raw.type)} is not a job type (job types: ${JOB_TYPE_NAMES.join(', ')})`, placeOf(raw, 'type'), sourceKeyPath(root, [...path, 'type']))
  }
  let schema = schemas.get(type)
  if (!schema) schemas.set(type, (schema = Type.Composite([JobCommonSchema, type.schema], { additionalProperties: false })))
  const expanded = type.expand ? type.expand(raw) : raw
  const context = jobBuildContext(expanded, root, path, components)
  const job = context.validate(schema, expanded)
  const body = type.build(job, context)
  const onError = onErrorOf(job.on_error, context.compile)
  const routes = [...body.routes, ...(onError?.to !== undefined ? [{ id: onError.to, at: ['on_error', 'to'] }] : [])]
  for (const route of routes) if (!ids.includes(route.id)) context.fail(`unknown job "${route.id}" (jobs: ${nameList(ids)})`, route.at)
  const retry = retryOf(job.retry)
  const interrupt = interruptsOf(job.interrupt, root, path)
  const dependsOn = ((job.depends_on ?? []) as (string | string[])[]).map((item) => (Array.isArray(item) ? [...item] : [item]))
  return {
    id: job.id as string,
    type: (job.type as string | undefined) ?? 'component',
    ...(job.name !== undefined ? { name: job.name as string } : {}),
    dependsOn,
    ...(job.condition !== undefined ? { condition: context.compile(job.condition, ['condition']) } : {}),
    ...(retry ? { retry } : {}),
    ...(onError ? { onError } : {}),
    ...(interrupt ? { interrupt } : {}),
    maxRunCount: (job.max_run_count as number | undefined) ?? DEFAULT_MAX_RUN_COUNT,
    routes: [...new Set(routes.map((route) => route.id))],
    body,
  }
}

function retryOf(raw: unknown): RetryPolicy | undefined {
  if (raw === undefined) return undefined
  if (typeof raw === 'number') return { attempts: raw, delayMs: 0, backoff: 'fixed' }
  const r = raw as Doc
  return {
    attempts: (r.max_attempt_count as number | undefined) ?? 1,
    delayMs: toMilliseconds((r.delay as number | string | undefined) ?? 0),
    backoff: (r.backoff as 'fixed' | 'exponential' | undefined) ?? 'fixed',
    ...(r.max_delay !== undefined ? { maxDelayMs: toMilliseconds(r.max_delay as number | string) } : {}),
  }
}

function onErrorOf(raw: unknown, compile: (source: unknown, at: Path) => ReturnType<typeof compileAt>): OnErrorPolicy | undefined {
  if (raw === undefined) return undefined
  if (typeof raw === 'string') return {} // "ignore", in any case (model-compose reads it so)
  const r = raw as Doc
  return {
    ...(r.output !== undefined ? { output: compile(r.output, ['on_error', 'output']) } : {}),
    ...(r.to !== undefined ? { to: r.to as string } : {}),
  }
}

/** How a job reads the workflow input, its condition and on_error output included. */
function inputRoute(job: JobModel, branch: boolean, componentId: string | undefined): OwnedRoute {
  const route = job.body.inputRoute
  const extra = [...(job.condition ? [job.condition] : []), ...(job.onError?.output ? [job.onError.output] : [])]
  return { ...route, direct: [...route.direct, ...extra], ...(branch ? { optional: true } : {}), jobId: job.id, ...(componentId ? { componentId } : {}) }
}
