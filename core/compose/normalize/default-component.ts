// Pass 4g (after the other normalising passes): a component marked `default: true` is the one a
// job runs when it names none (model-compose's rule; without a mark, mc's:
// `__default__`, or the only component there is).

import { ComposeError } from '../../model/compose-error.ts'
import { placeOf } from '../../model/places.ts'
import { copy, isMap, mapList } from './doc.ts'
import { type Doc } from '../../model/doc.ts'
import { DEFAULT_ID } from '../../model/ids.ts'

/** Jobs of these types run a component (no type = a component job). */
const COMPONENT_JOB_TYPES = [undefined, 'component', 'action']

export function applyDefaultComponent(doc: Doc): Doc {
  const marked = (Array.isArray(doc.components) ? doc.components : []).filter((c): c is Doc => isMap(c) && c.default === true)
  if (marked.length > 1) {
    throw new ComposeError(`several components say "default: true": ${marked.map((c) => String(c.id)).join(', ')}`, placeOf(marked[1], 'default', 'key'))
  }
  const id = marked[0]?.id
  if (typeof id !== 'string' || !Array.isArray(doc.workflows)) return doc
  // `component: __default__` written out names the marked one too, unless a component has that id.
  const unnamed = (value: unknown) => value === undefined || (value === DEFAULT_ID && !(doc.components as Doc[]).some((c) => isMap(c) && c.id === DEFAULT_ID))
  doc.workflows = mapList(doc.workflows, (item) => {
    if (!isMap(item) || !Array.isArray(item.jobs)) return item
    const workflow = copy(item)
    workflow.jobs = mapList(item.jobs, (raw) => {
      if (!isMap(raw)) return raw
      const job = copy(raw)
      if (COMPONENT_JOB_TYPES.includes(raw.type as string | undefined) && unnamed(raw.component)) job.component = id
      if (raw.type === 'for-each' && isMap(raw.do) && unnamed(raw.do.component)) {
        job.do = copy(raw.do)
        ;(job.do as Doc).component = id
      }
      return job
    })
    return workflow
  })
  return doc
}
