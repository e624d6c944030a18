// The component plugins built into mc, by type. Each is a module whose default
// export is its plugin, the same shape as a third-party plugin's; the registry
// imports one only when a compose file uses its type. The host (cli/invocation/project.ts)
// hands this list to its registry: core/ never imports plugins/.

import type { PluginModule } from '../core/plugin/api.ts'

/** Imports one built-in plugin's module, on first need. */
type BuiltinImport = () => Promise<{ default?: PluginModule }>

/** Every built-in type and how to import its plugin. */
export const builtinPlugins: Record<string, BuiltinImport> = {
  'http-client': () => import('./http-client/index.ts'),
  'http-server': () => import('./http-server/index.ts'),
  'mcp-client': () => import('./mcp-client/index.ts'),
  'mcp-server': () => import('./mcp-server/index.ts'),
  model: () => import('./model/index.ts'),
  'model-tokenizer': () => import('./model-tokenizer/index.ts'),
  shell: () => import('./shell/index.ts'),
  'web-scraper': () => import('./web-scraper/index.ts'),
  'web-browser': () => import('./web-browser/index.ts'),
  'text-splitter': () => import('./text-splitter/index.ts'),
  'vector-store': () => import('./vector-store/index.ts'),
  'sentence-splitter': () => import('./sentence-splitter/index.ts'),
  'data-queue': () => import('./data-queue/index.ts'),
  datasets: () => import('./datasets/index.ts'),
  workflow: () => import('./workflow/index.ts'),
  agent: () => import('./agent/index.ts'),
  'key-value-store': () => import('./key-value-store/index.ts'),
  'search-engine': () => import('./search-engine/index.ts'),
  'file-store': () => import('./file-store/index.ts'),
}

/** Announces every built-in type to a registry (core/plugin/registry.ts's PluginRegistry), which imports one when it is used. */
export function registerBuiltins<Registry extends { provide(type: string, load: BuiltinImport): unknown }>(registry: Registry): Registry {
  for (const [type, load] of Object.entries(builtinPlugins)) registry.provide(type, load)
  return registry
}
