// The component plugins built into mc. They use the same API as third-party ones.

import type { ComponentPlugin } from '../core/plugin/api.ts'
import { httpClientPlugin } from './http-client/index.ts'
import { httpServerPlugin } from './http-server/index.ts'
import { modelPlugin } from './model/index.ts'
import { shellPlugin } from './shell/index.ts'
import { textSplitterPlugin } from './text-splitter/index.ts'
import { workflowPlugin } from './workflow/index.ts'

export const builtinPlugins: ComponentPlugin[] = [
  httpClientPlugin,
  httpServerPlugin,
  modelPlugin,
  shellPlugin,
  textSplitterPlugin,
  workflowPlugin,
] as ComponentPlugin[]
