// Pass 6b: one workflow of the validated document → its typed model: jobs
// resolved to their components and actions, templates compiled, the job graph
// checked, and the input/output schemas derived for clients and UIs.

import { STREAM_FORMATS } from '../binding/ast.ts'
import { ComposeError, formatKeyPath } from '../errors.ts'
import { deriveInputSchema, deriveOutputSchema, type InputRoute } from '../workflow/schema.ts'
import type { ActionModel, ComponentModel, JobModel, WorkflowModel } from './model.ts'
import { DEFAULT_ID } from './normalize.ts'
import { placeAtPath, placeOf } from './places.ts'
import { WorkflowSchema } from './workflow-schema.ts'
import { orderJobs } from './job-graph.ts'
import { nameList } from './name-list.ts'
import { validate } from './validate.ts'
import { compileAt } from './compile-at.ts'

type Doc = Record<string, unknown>
type Path = (string | number)[]

export /** The component a job that names none runs: `__default__`, or the only component there is. */
function defaultComponentId(components: Map<string, ComponentModel>): string | undefined {
  if (components.has(DEFAULT_ID)) return DEFAULT_ID
  return components.size === 1 ? [...components.keys()][0] : undefined
}

export function buildWorkflow(raw: Doc, root: Doc, path: Path, components: Map<string, ComponentModel>): WorkflowModel {
  const checked = validate<Doc>(WorkflowSchema, raw, root, path)
  const id = checked.id as string
  const rawJobs = raw.jobs as Doc[]
  const jobs: JobModel[] = rawJobs.map((job, i) => buildJob(job, root, [...path, 'jobs', i], components))
  const ids = new Set<string>()
  jobs.forEach((job, i) => {
    if (ids.has(job.id)) throw new ComposeError(`duplicate job id "${job.id}"`, placeOf(rawJobs[i], 'id'), formatKeyPath([...path, 'jobs', i, 'id']))
    ids.add(job.id)
  })
  const ordered = orderJobs(jobs, rawJobs, root, [...path, 'jobs'])
  const rawById = new Map(rawJobs.map((r) => [r.id, r]))
  const output = compileAt(raw.output ?? '${output}', root, [...path, 'output'])
  const input = raw.input === undefined ? undefined : compileAt(raw.input, root, [...path, 'input'])
  const format = output.whole?.binding.format
  // The workflow's output sees the workflow input too.
  const routes: InputRoute[] = [
    ...(input
      ? [{ direct: [input], component: [], passThrough: false, renames: new Map() }]
      : ordered.map((job) => inputRoute(job, rawById.get(job.id)?.input))),
    { direct: [output], component: [], passThrough: false, renames: new Map() },
  ]
  return {
    id,
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

function buildJob(raw: Doc, root: Doc, path: Path, components: Map<string, ComponentModel>): JobModel {
  const componentId = (raw.component as string | undefined) ?? defaultComponentId(components) ?? DEFAULT_ID
  const component = components.get(componentId)
  if (!component) {
    const known = nameList(components.keys()) || 'none defined'
    throw new ComposeError(`unknown component "${componentId}" (known: ${known})`, placeOf(raw, 'component') ?? placeAtPath(root, path), formatKeyPath([...path, 'component']))
  }
  const action = pickAction(component, raw.action as string | undefined, raw, root, path)
  const input = compileAt(raw.input ?? '${input}', root, [...path, 'input'])
  const output = compileAt(raw.output ?? '${output}', root, [...path, 'output'])
  const condition = raw.condition === undefined ? undefined : compileAt(raw.condition, root, [...path, 'condition'])
  return {
    id: raw.id as string,
    component,
    action,
    input,
    output,
    ...(condition ? { condition } : {}),
    dependsOn: [...((raw.depends_on as string[] | undefined) ?? [])],
  }
}

function pickAction(component: ComponentModel, id: string | undefined, raw: Doc, root: Doc, path: Path): ActionModel {
  if (id !== undefined) {
    const action = component.actions.get(id)
    if (!action) {
      throw new ComposeError(`component "${component.id}" has no action "${id}" (actions: ${nameList(component.actions.keys())})`, placeOf(raw, 'action'), formatKeyPath([...path, 'action']))
    }
    return action
  }
  const fallback = component.actions.get(DEFAULT_ID) ?? (component.actions.size === 1 ? [...component.actions.values()][0] : undefined)
  if (!fallback) {
    throw new ComposeError(`component "${component.id}" has several actions: say which one with "action" (${nameList(component.actions.keys())})`, placeAtPath(root, path), formatKeyPath(path))
  }
  return fallback
}

/** How a job's input reaches its component, to name workflow inputs by what the component reads. */
function inputRoute(job: JobModel, rawInput: unknown): InputRoute {
  const whole = job.input.whole?.binding
  const passThrough = whole?.expr.kind === 'ref' && whole.expr.key === 'input' && whole.expr.path.length === 0 && !whole.type
  const renames = new Map<string, string>()
  if (rawInput !== null && typeof rawInput === 'object' && !Array.isArray(rawInput)) {
    for (const [key, value] of Object.entries(rawInput)) {
      const name = typeof value === 'string' ? /^\$\{\s*input\.([A-Za-z0-9_\-]+)\s*\}$/.exec(value)?.[1] : undefined
      if (name) renames.set(key, name)
    }
  }
  return {
    direct: [job.input, ...(job.condition ? [job.condition] : [])],
    component: [job.action.fields, job.action.output],
    passThrough,
    renames,
  }
}
