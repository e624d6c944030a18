// The `workflow` component (model-compose's): runs another workflow of the
// same file — `workflow` names it (the default workflow when absent or
// "__default__"), `input` is its input (the component's own input when
// absent, as model-compose 0.4.92 does). Its output is `${output}`, the other
// workflow's value; a stream passes through chunk by chunk, and cancelling the
// run cancels the other workflow. A literal `workflow` naming none of the
// file is refused at load (actionReferences); one a binding gives, at run time.

import { AsyncLocalStorage } from 'node:async_hooks'
import { Type, type Static } from '@sinclair/typebox'
import { defineComponentPlugin, HttpError } from '../../core/plugin/api.ts'

const WorkflowActionSchema = Type.Object({
  workflow: Type.Optional(Type.String({ minLength: 1 })),
  input: Type.Optional(Type.Unknown()),
})

type WorkflowAction = Static<typeof WorkflowActionSchema>

const DEFAULT_WORKFLOW = '__default__'

/** Workflows running workflows, deeper than this, are taken for a workflow that runs itself without end. */
const MAX_DEPTH = 32
const depth = new AsyncLocalStorage<number>()

const workflowPlugin = defineComponentPlugin<Record<string, never>, WorkflowAction>({
  type: 'workflow',
  action: WorkflowActionSchema,
  defaultOutput: '${output}',
  actionReferences(action) {
    // With a controller.queue, a workflow the file lacks runs on the queue's workers.
    const id = action.workflow === DEFAULT_WORKFLOW ? undefined : action.workflow
    return [{ kind: 'workflow', id, path: ['workflow'], mayBeQueued: true }]
  },
  create(_settings, { id, runWorkflow }) {
    return {
      async run(action, { signal, input }) {
        const level = (depth.getStore() ?? 0) + 1
        const target = action.workflow === undefined || action.workflow === DEFAULT_WORKFLOW ? undefined : action.workflow
        if (level > MAX_DEPTH) {
          throw new Error(`component "${id}": workflows nest more than ${MAX_DEPTH} deep through workflow components; does workflow "${target ?? DEFAULT_WORKFLOW}" run itself?`)
        }
        try {
          // Without `input`, the component's own input goes on.
          const given = 'input' in action ? action.input : input
          return { output: await depth.run(level, () => runWorkflow(target, given, signal)) }
        } catch (error) {
          // The other workflow missing (or, unnamed, no default one) is this file's fault, not the request's.
          if (error instanceof HttpError && (error.status === 404 || (error.status === 400 && target === undefined))) throw new Error(`component "${id}": ${error.message}`)
          throw error
        }
      },
    }
  },
})

export default workflowPlugin
