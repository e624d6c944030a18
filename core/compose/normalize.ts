// Pass 3: rewrites the shorthands of one file into the long form:
//   component: {...}       → components: [{id: __default__, ...}]
//   workflow: {...}        → workflows: [{id: __default__, ...}]
//   components / workflows given as a map of id → item → a list
//   a workflow without jobs → one job `__job__` made of its inline job keys
//   a section left empty (`controller:` and nothing under it) → no section
// Component actions are normalised when the model is built, where each
// plugin says which keys belong to an action.

import { ComposeError } from '../errors.ts'
import { copyPlaces, placeOf, setPlaces } from './places.ts'

export const DEFAULT_ID = '__default__'
export const DEFAULT_JOB_ID = '__job__'

const SECTIONS = ['controller', 'component', 'components', 'workflow', 'workflows', 'plugins']

/** Keys of a job that may stand inline in a workflow without `jobs`. */
const INLINE_JOB_KEYS = ['component', 'action', 'input', 'condition'] as const

type Doc = Record<string, unknown>

export function normalizeCompose(doc: unknown): Doc {
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ComposeError('a compose file must be a map of keys (controller, components, workflows, ...)', placeOf(doc, 0))
  const out: Doc = { ...(doc as Doc) }
  copyPlaces(doc, out)
  for (const section of SECTIONS) if (out[section] === null) delete out[section]
  pluralize(out, 'component', 'components')
  pluralize(out, 'workflow', 'workflows')
  if (Array.isArray(out.workflows)) {
    const workflows = out.workflows.map(inlineJob)
    copyPlaces(out.workflows, workflows)
    out.workflows = workflows
  }
  return out
}

function pluralize(doc: Doc, singular: string, plural: string): void {
  if (doc[singular] !== undefined && doc[plural] !== undefined) {
    throw new ComposeError(`use either "${singular}" (one) or "${plural}" (a list), not both`, placeOf(doc, singular, 'key'))
  }
  if (doc[singular] !== undefined) {
    const list = [withDefaultId(doc[singular], DEFAULT_ID)]
    const place = placeOf(doc, singular)
    if (place) setPlaces(list, { self: place, keys: new Map([[0, { key: place, value: place }]]) })
    moveKey(doc, singular, plural, list)
  } else if (isMap(doc[plural])) {
    const map = doc[plural] as Doc
    const list = Object.entries(map).map(([id, item]) => withDefaultId(item, id))
    doc[plural] = list
  }
}

function moveKey(doc: Doc, from: string, to: string, value: unknown): void {
  delete doc[from]
  doc[to] = value
  copyPlaces(doc, doc, { [from]: to })
}

function withDefaultId(item: unknown, id: string): unknown {
  if (!isMap(item) || (item as Doc).id !== undefined) return item
  const out = { id, ...(item as Doc) }
  copyPlaces(item as object, out)
  return out
}

function inlineJob(workflow: unknown): unknown {
  if (!isMap(workflow)) return workflow
  const w = workflow as Doc
  const inline = INLINE_JOB_KEYS.filter((k) => w[k] !== undefined)
  if (w.jobs !== undefined) {
    const stray = inline[0]
    if (stray) throw new ComposeError(`"${stray}" belongs to a job: a workflow with "jobs" cannot have it inline`, placeOf(w, stray, 'key'))
    if (Array.isArray(w.jobs) && w.jobs.length === 1) {
      // A lone job needs no id.
      const jobs = [withDefaultId(w.jobs[0], DEFAULT_JOB_ID)]
      copyPlaces(w.jobs, jobs)
      const out = { ...w, jobs }
      copyPlaces(w, out)
      return out
    }
    return workflow
  }
  const job: Doc = { id: DEFAULT_JOB_ID }
  const out: Doc = {}
  for (const [k, v] of Object.entries(w)) {
    if ((INLINE_JOB_KEYS as readonly string[]).includes(k)) job[k] = v
    else out[k] = v
  }
  copyPlaces(w, job)
  copyPlaces(w, out)
  out.jobs = [job]
  return out
}

function isMap(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
