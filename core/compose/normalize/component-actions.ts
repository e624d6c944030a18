// Pass 4d: a component's single `action:` (model-compose 0.4.92) is its one
// action, `__default__`; `actions:` given as a map of id → action is a list.
// Keys of an action standing at component level are sorted out when the
// model is built, where each plugin says which keys belong to an action.
// Each component's `runtime:` is checked here too (runtime.ts).

import { checkRuntime } from './runtime.ts'
import { copy, inflateSingle, isMap, mapList } from './doc.ts'
import { type Doc } from '../../model/doc.ts'
import { DEFAULT_ID } from '../../model/ids.ts'

export function normalizeComponentActions(doc: Doc): Doc {
  if (!Array.isArray(doc.components)) return doc
  doc.components = mapList(doc.components, (item, i) => {
    if (!isMap(item)) return item
    const component = copy(item)
    checkRuntime(component, doc, ['components', i])
    inflateSingle(component, 'action', 'actions', { keyPath: `components[${i}].action`, defaultId: DEFAULT_ID, mapsOnly: true })
    return component
  })
  return doc
}
