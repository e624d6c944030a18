// Pass 4c: a key left empty (`title:` with nothing after it) is a key not
// given, as model-compose reads it. Only the keys of the controller and of
// each component, action, workflow and job: inside a value (a request body,
// an input mapping) a null stays a null.

import { copyPlaces } from '../../model/places.ts'
import { isMap, mapList } from './doc.ts'
import { type Doc } from '../../model/doc.ts'

export function dropEmptyKeys(doc: Doc): Doc {
  if (isMap(doc.controller)) doc.controller = withoutNulls(doc.controller)
  if (Array.isArray(doc.components)) doc.components = mapItems(doc.components, (component) => {
    const out = withoutNulls(component)
    if (Array.isArray(out.actions)) out.actions = mapItems(out.actions, withoutNulls)
    if (isMap(out.action)) out.action = withoutNulls(out.action)
    return out
  })
  if (Array.isArray(doc.workflows)) doc.workflows = mapItems(doc.workflows, (workflow) => {
    const out = withoutNulls(workflow)
    if (Array.isArray(out.jobs)) out.jobs = mapItems(out.jobs, withoutNulls)
    if (isMap(out.job)) out.job = withoutNulls(out.job)
    return out
  })
  return doc
}

/** `fn` applied to each map of `list` (anything else stays), keeping places. */
function mapItems(list: unknown[], fn: (item: Doc) => Doc): unknown[] {
  return mapList(list, (item) => (isMap(item) ? fn(item) : item))
}

function withoutNulls(map: Doc): Doc {
  const out: Doc = {}
  for (const [key, value] of Object.entries(map)) if (value !== null) out[key] = value
  copyPlaces(map, out)
  return out
}

