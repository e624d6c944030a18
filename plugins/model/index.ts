// The `model` component: a local model run in-process with transformers.js on
// onnxruntime. `${result}` is the whole text, or a stream of decoded pieces
// when `streaming` is on (`${result[]}` reads them one by one). `${usage}`
// (tokens read and written; not streaming) and `${completion}` (the answer as
// OpenAI's chat completions shape it, for the /v1 front) are mc's additions.
// With `runtime: process` the model runs in a child process instead (process/).

import { defineComponentPlugin } from '../../core/plugin/api.ts'
import { paramsProblem } from './engine/action-params.ts'
import { ModelActionSchema, type ModelAction } from './engine/action-schema.ts'
import { isStreaming } from './engine/generate.ts'
import { inProcessModel } from './in-process.ts'
import { ModelSettingsSchema, type ModelSettings } from './engine/schema.ts'
import { settingsProblem } from './engine/settings-check.ts'
import { processModel } from './process/model-process.ts'
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
    return settings.runtime ? processModel(settings, settings.runtime, baseDir, env, log) : inProcessModel(settings, baseDir, env, log)
  },
})

export default modelPlugin
