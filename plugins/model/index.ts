// The `model` component: a local model run in-process with transformers.js on
// onnxruntime. `${result}` is the whole text, or a stream of decoded pieces
// when `streaming` is on (`${result[]}` reads them one by one). `${usage}`
// (tokens read and written; not streaming) and `${completion}` (the answer as
// OpenAI's chat completions shape it, for the /v1 front) are mc's additions.

import { defineComponentPlugin } from '../../core/plugin/api.ts'
import { paramsProblem } from './engine/action-params.ts'
import { ModelActionSchema, type ModelAction } from './engine/action-schema.ts'
import { generate, isStreaming } from './engine/generate.ts'
import { loadModel, type LoadedModel } from './engine/load.ts'
import { ModelSettingsSchema, type ModelSettings } from './engine/schema.ts'
import { settingsProblem } from './engine/settings-check.ts'
import { tasks } from './tasks/index.ts'

const modelPlugin = defineComponentPlugin<ModelSettings, ModelAction>({
  type: 'model',
  settings: ModelSettingsSchema,
  action: ModelActionSchema,
  defaultOutput: '${result}',
  resultKeys: ['usage', 'completion'],
  // One generation at a time per model unless the file says otherwise.
  defaultMaxConcurrentCount: 1,
  checkSettings(settings) {
    // A task or driver mc does not have says so before anything else.
    const problem = settingsProblem(settings)
    if (problem) throw problem
  },
  checkAction(action, settings) {
    const problem = paramsProblem(action, isStreaming(action.streaming))
    if (problem) throw problem
    // Literal values can be checked now; bindings are checked when a run renders them.
    tasks[settings.task as keyof typeof tasks].checkAction?.(action, settings)
  },
  create(settings, { baseDir, env, log }) {
    const task = tasks[settings.task as keyof typeof tasks]
    let loading: Promise<LoadedModel> | undefined
    const model = () => (loading ??= loadModel(settings, task, baseDir, env, log))
    return {
      async start() {
        // preload: false (model-compose 0.4.92) loads the model on its first run instead.
        if (settings.preload !== false) await model()
      },
      async run(action, context) {
        return generate(await model(), task, settings, action, context)
      },
    }
  },
})

export default modelPlugin
