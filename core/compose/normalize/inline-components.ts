// Pass 4f: a job may give its component inline, as a whole configuration
// (`component: {type: shell, ...}`; in a for-each, `do.component`). Each such
// component joins the file's list under the id `<workflow>.<job>`, and the
// job names it by that id, as every other job does.

import { ComposeError } from '../../model/compose-error.ts'
import { placeOf } from '../../model/places.ts'
import { copy, isMap, mapList } from './doc.ts'
import { type Doc } from '../../model/doc.ts'

export function hoistInlineComponents(doc: Doc): Doc {
  if (!Array.isArray(doc.workflows)) return doc
  const hoisted: Doc[] = []
  doc.workflows = mapList(doc.workflows, (item, w) => {
    if (!isMap(item) || !Array.isArray(item.jobs)) return item
    const workflow = copy(item)
    const workflowId = typeof workflow.id === 'string' ? workflow.id : String(w)
    workflow.jobs = mapList(item.jobs, (raw, j) => {
      if (!isMap(raw)) return raw
      const jobId = typeof raw.id === 'string' ? raw.id : String(j)
      const job = copy(raw)
      if (isMap(job.component)) job.component = hoist(job.component, `${workflowId}.${jobId}`, hoisted)
      if (isMap(job.do) && isMap(job.do.component)) {
        const step = copy(job.do)
        step.component = hoist(job.do.component, `${workflowId}.${jobId}`, hoisted)
        job.do = step
      }
      return job
    })
    return workflow
  })
  if (hoisted.length === 0) return doc
  const components = Array.isArray(doc.components) ? copy(doc.components) : []
  const taken = new Set(components.map((c) => (isMap(c) ? c.id : undefined)))
  for (const component of hoisted) {
    if (taken.has(component.id)) {
      throw new ComposeError(`a job's inline component would be "${String(component.id)}", which is already a component's id`, placeOf(component, 'type'))
    }
    components.push(component)
  }
  doc.components = components
  return doc
}

function hoist(config: Doc, id: string, into: Doc[]): string {
  const component = copy(config)
  component.id ??= id
  into.push(component)
  return component.id as string
}
