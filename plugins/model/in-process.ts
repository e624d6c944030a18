// A model component's instance when the model runs in this process: loaded at
// start (or on the first run with `preload: false`), generating per run. The
// child process of `runtime: process` runs this same instance (worker-main.ts).

import type { ComponentInstance, Logger } from '../../core/plugin/api.ts'
import type { ModelAction } from './engine/action-schema.ts'
import { generate } from './engine/generate.ts'
import { loadModel, type LoadedModel } from './engine/load.ts'
import type { ModelSettings } from './engine/schema.ts'
import { tasks } from './tasks/index.ts'

export function inProcessModel(settings: ModelSettings, baseDir: string, env: Readonly<Record<string, string | undefined>>, log: Logger): ComponentInstance<ModelAction> {
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
}
