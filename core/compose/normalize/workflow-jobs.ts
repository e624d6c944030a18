// Pass 4e: a workflow's jobs in their long form, `jobs:` a list:
//   `job: {...}` (model-compose 0.4.92)      → `jobs: [{id: __job__, ...}]`
//   job keys inline in the workflow (0.4.10) → `jobs: [{id: __job__, ...}]`
//   `jobs:` a map of id → job                → a list
// A lone job needs no id. `name` is a workflow's label too: its title when it has none.

import { ComposeError } from '../../model/compose-error.ts'
import { copyPlaces, placeOf } from '../../model/places.ts'
import { copy, inflateSingle, isMap, mapList, withDefaultId } from './doc.ts'
import { type Doc } from '../../model/doc.ts'
import { DEFAULT_JOB_ID } from '../../model/ids.ts'


/** Keys of a job that may stand inline in a workflow without `jobs`. */
const INLINE_JOB_KEYS = ['component', 'action', 'input', 'condition', 'repeat_count'] as const

export function normalizeWorkflowJobs(doc: Doc): Doc {
  if (Array.isArray(doc.workflows)) doc.workflows = mapList(doc.workflows, (item, i) => (isMap(item) ? normalizeWorkflow(copy(item), i) : item))
  return doc
}

function normalizeWorkflow(workflow: Doc, index: number): Doc {
  // `name` stays too: it is the workflow's name as a tool (core/workflow/tool-schema.ts).
  if (workflow.name !== undefined && workflow.title === undefined) workflow.title = workflow.name
  inflateSingle(workflow, 'job', 'jobs', { keyPath: `workflows[${index}].job` })
  if (workflow.jobs === undefined) return inlineJob(workflow)
  // Beside `jobs`, `input` is the workflow's own input mapping; the other job keys are strays.
  const stray = INLINE_JOB_KEYS.find((k) => k !== 'input' && workflow[k] !== undefined)
  if (stray) throw new ComposeError(`"${stray}" belongs to a job: a workflow with "jobs" cannot have it inline`, placeOf(workflow, stray, 'key'), `workflows[${index}].${stray}`)
  if (Array.isArray(workflow.jobs) && workflow.jobs.length === 1) workflow.jobs = mapList(workflow.jobs, (job) => withDefaultId(job, DEFAULT_JOB_ID))
  return workflow
}

function inlineJob(workflow: Doc): Doc {
  const job: Doc = { id: DEFAULT_JOB_ID }
  const out: Doc = {}
  for (const [k, v] of Object.entries(workflow)) {
    if ((INLINE_JOB_KEYS as readonly string[]).includes(k)) job[k] = v
    else out[k] = v
  }
  copyPlaces(workflow, job)
  copyPlaces(workflow, out)
  out.jobs = [job]
  return out
}
