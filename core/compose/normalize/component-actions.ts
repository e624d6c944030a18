// Pass 3d: a component's single `action:` (model-compose 0.4.92) is its one
// action, `__default__`; `actions:` given as a map of id → action is a list.
// Keys of an action standing at component level are sorted out when the
// model is built, where each plugin says which keys belong to an action.

import { ComposeError } from '../../errors.ts'
import { placeOf } from '../places.ts'
import { checkRuntime } from './controller.ts'
import { copy, isMap, listOfMap, listOfOne, mapList, moveKey, withDefaultId, type Doc } from './doc.ts'
import { DEFAULT_ID } from './sections.ts'

export function normalizeComponentActions(doc: Doc): Doc {
  if (!Array.isArray(doc.components)) return doc
  doc.components = mapList(doc.components, (item, i) => {
    if (!isMap(item)) return item
    const component = copy(item)
    checkRuntime(component, doc, ['components', i])
    if (component.action !== undefined && component.actions !== undefined) {
      throw new ComposeError('use either "action" (one) or "actions" (a list), not both', placeOf(component, 'action', 'key'), `components[${i}].action`)
    }
    if (isMap(component.action)) moveKey(component, 'action', 'actions', listOfOne(component, 'action', withDefaultId(component.action, DEFAULT_ID)))
    else if (isMap(component.actions)) component.actions = listOfMap(component.actions)
    return component
  })
  return doc
}
