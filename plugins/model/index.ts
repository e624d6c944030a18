// The `model` component: a local model run in-process with transformers.js on
// onnxruntime. `${result}` is the whole text, or a stream of decoded pieces
// when `streaming` is on (`${result[]}` reads them one by one).

import { defineComponentPlugin } from '../../core/plugin/api.ts'
import { generate, isStreaming, streamingProblem } from './generate.ts'
import { loadModel, type LoadedModel } from './load.ts'
import { ModelActionSchema, ModelSettingsSchema, type ModelAction, type ModelSettings } from './schema.ts'
import { tasks } from './tasks/index.ts'

export const modelPlugin = defineComponentPlugin<ModelSettings, ModelAction>({
  type: 'model',
  settings: ModelSettingsSchema,
  action: ModelActionSchema,
  defaultOutput: '${result}',
  // One generation at a time per model unless the file says otherwise.
  defaultMaxConcurrentCount: 1,
  checkAction(action, settings) {
    // Literal values can be checked now; bindings are checked when a run renders them.
    if (isStreaming(action.streaming)) {
      const problem = streamingProblem(action)
      if (problem) throw problem
    }
    if (settings.task === 'chat-completion' && action.messages === undefined) throw new Error('chat-completion needs "messages"')
    if (settings.task !== 'chat-completion' && action.text === undefined) throw new Error(`${settings.task} needs "text"`)
  },
  create(settings, { baseDir, env, log }) {
    const task = tasks[settings.task]
    let model: LoadedModel | undefined
    return {
      async start() {
        model = await loadModel(settings, task, baseDir, env, log)
      },
      async run(action, context) {
        return generate(model!, task, action, context)
      },
    }
  },
})

export default modelPlugin
