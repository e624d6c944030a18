// After the workflows are built: what a `workflow` component names must exist
// (model-compose 0.4.92 refuses the file at load, not when the run gets
// there). `workflow` absent or `__default__` needs a default workflow: the only
// one, or the one marked `default: true`. A name given by a binding is
// known only at run time; with a `controller.queue`, a workflow the file lacks
// runs on the queue's workers (build.ts does not call this then).

import { formatKeyPath } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import type { WorkflowModel } from '../../model/compose-model.ts'
import type { Doc, Path } from '../../model/doc.ts'
import { DEFAULT_ID } from '../../model/ids.ts'
import { placeAtPath } from '../../model/places.ts'
import { nameList } from './name-list.ts'

/** model-compose's name of a lone workflow, which mc calls `__default__`. */
const LONE_WORKFLOW_ID = '__workflow__'

export function checkWorkflowRefs(doc: Doc, workflows: ReadonlyMap<string, WorkflowModel>, defaultWorkflowId: string | undefined): void {
  const components = (doc.components ?? []) as Doc[]
  components.forEach((component, i) => {
    if (component.type !== 'workflow') return
    const path: Path = ['components', i]
    const actions = component.actions as Doc[] | undefined
    const items: { item: Doc; itemPath: Path }[] = actions ? actions.map((item, j) => ({ item, itemPath: [...path, 'actions', j] })) : [{ item: {}, itemPath: path }]
    for (const { item, itemPath } of items) {
      const ownKey = item.workflow !== undefined
      const name = ownKey ? item.workflow : component.workflow
      const at: Path = ownKey ? [...itemPath, 'workflow'] : component.workflow !== undefined ? [...path, 'workflow'] : itemPath
      const fail = (message: string): never => {
        throw new ComposeError(message, placeAtPath(doc, at), formatKeyPath(at))
      }
      if (typeof name === 'string' && name.includes('${')) continue
      const known = nameList(workflows.keys()) || 'none'
      if (name === undefined || name === DEFAULT_ID) {
        if (defaultWorkflowId === undefined || !workflows.has(defaultWorkflowId)) {
          fail(`runs the default workflow, but there ${workflows.size === 0 ? 'is no workflow' : 'are several and none says "default: true"'} (workflows: ${known})`)
        }
      } else if (typeof name === 'string' && !workflows.has(name) && !(name === LONE_WORKFLOW_ID && workflows.has(DEFAULT_ID))) {
        fail(`unknown workflow "${name}" (workflows: ${known})`)
      }
    }
  })
}
