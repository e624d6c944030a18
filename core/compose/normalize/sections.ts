// Pass 4a: the top level. A section left empty (`controller:` and nothing
// under it) is no section; `component:` / `workflow:` (one) become
// `components:` / `workflows:` (a list), and a map of id → item a list;
// model-compose's sections that mc does not serve are refused by name; a
// listed workflow without an id gets the lone one's, and `__default__` written
// as a workflow's id is refused.

import { notInMc } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { MODEL_COMPOSE_SECTIONS } from '../../model/model-compose-names.ts'
import { placeOf } from '../../model/places.ts'
import { inflateSingle, isMap, mapList, withDefaultId } from './doc.ts'
import { type Doc } from '../../model/doc.ts'
import { DEFAULT_ID } from '../../model/ids.ts'

/** The sections mc reads. */
const MC_SECTIONS = ['controller', 'component', 'components', 'workflow', 'workflows', 'plugins', 'tracer', 'tracers']

export function normalizeSections(doc: Doc): Doc {
  for (const section of MC_SECTIONS) if (doc[section] === null) delete doc[section]
  for (const key of Object.keys(doc)) {
    if (MODEL_COMPOSE_SECTIONS.includes(key) && !MC_SECTIONS.includes(key)) {
      throw new ComposeError(notInMc('top-level section', key, MC_SECTIONS), placeOf(doc, key, 'key'), key)
    }
  }
  refuseDefaultWorkflowId(doc)
  inflateSingle(doc, 'component', 'components', { defaultId: DEFAULT_ID })
  inflateSingle(doc, 'workflow', 'workflows', { defaultId: DEFAULT_ID })
  // model-compose's `tracer:` (one) / `tracers:` (a list): core/compose/build/build-tracers.ts reads the list.
  inflateSingle(doc, 'tracer', 'tracers')
  // A listed workflow without an id is named as a lone one is (model-compose's `__workflow__` finds it too).
  if (Array.isArray(doc.workflows)) doc.workflows = mapList(doc.workflows, (item) => withDefaultId(item, DEFAULT_ID))
  return doc
}

/** `__default__` names the default workflow (model-compose 0.4.92 refuses it as an id, and so does mc). */
function refuseDefaultWorkflowId(doc: Doc): void {
  const refuse = (parent: unknown, key: string | number, keyPath: string, which: 'key' | 'value'): never => {
    throw new ComposeError(`"${DEFAULT_ID}" names the default workflow: it cannot be a workflow's id`, placeOf(parent, key, which), keyPath)
  }
  const { workflow, workflows } = doc
  if (isMap(workflow) && workflow.id === DEFAULT_ID) refuse(workflow, 'id', 'workflow.id', 'value')
  if (Array.isArray(workflows)) workflows.forEach((item, i) => isMap(item) && item.id === DEFAULT_ID && refuse(item, 'id', `workflows[${i}].id`, 'value'))
  else if (isMap(workflows)) {
    for (const [key, item] of Object.entries(workflows)) {
      if (key === DEFAULT_ID) refuse(workflows, key, `workflows.${key}`, 'key')
      if (isMap(item) && item.id === DEFAULT_ID) refuse(item, 'id', `workflows.${key}.id`, 'value')
    }
  }
}
