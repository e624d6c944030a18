// Pass 4: the merged files' shorthands and dialects rewritten into the one long form
// the later passes read. Each step is its own small pass (normalize/):
//   source-paths        each map and list told its key path as written (for messages)
//   sections            empty sections, model-compose sections mc lacks, component(s) / workflow(s)
//   controller          0.4.92's `controller.adapter(s)` → mc's controller keys
//   empty-keys          `title:` left empty = not given
//   inline-components   a job's inline component config → the component list
//   component-actions   a component's single `action:` → `actions:`
//   workflow-jobs       `job:`, inline job keys, `jobs:` as a map → `jobs:` a list
// After the files are merged, `applyDefaultComponent` gives jobs that name no
// component the one marked `default: true`.

import { ComposeError } from '../model/compose-error.ts'
import { copyPlaces, placeOf } from '../model/places.ts'
import { normalizeComponentActions } from './normalize/component-actions.ts'
import { normalizeController } from './normalize/controller.ts'
import { dropEmptyKeys } from './normalize/empty-keys.ts'
import { hoistInlineComponents } from './normalize/inline-components.ts'
import { normalizeSections } from './normalize/sections.ts'
import { recordSourcePaths } from './normalize/source-paths.ts'
import { normalizeWorkflowJobs } from './normalize/workflow-jobs.ts'
import type { Doc } from '../model/doc.ts'

export { applyDefaultComponent } from './normalize/default-component.ts'

const PASSES: ((doc: Doc) => Doc)[] = [
  recordSourcePaths,
  normalizeSections,
  normalizeController,
  dropEmptyKeys,
  normalizeWorkflowJobs,
  hoistInlineComponents,
  normalizeComponentActions,
]

export function normalizeCompose(doc: unknown): Doc {
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ComposeError('a compose file must be a map of keys (controller, components, workflows, ...)', placeOf(doc, 0))
  let out: Doc = { ...(doc as Doc) }
  copyPlaces(doc, out)
  for (const pass of PASSES) out = pass(out)
  return out
}
