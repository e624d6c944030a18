// The component plugins built into mc, by type. Each is a module whose default
// export is its plugin, the same shape as a third-party plugin's; the registry
// imports one only when a compose file uses its type.

import type { PluginImport, PluginRegistry } from '../core/plugin/registry.ts'

export const builtinPlugins: Record<string, PluginImport> = {
  'http-client': () => import('./http-client/index.ts'),
  'http-server': () => import('./http-server/index.ts'),
  model: () => import('./model/index.ts'),
  shell: () => import('./shell/index.ts'),
  'text-splitter': () => import('./text-splitter/index.ts'),
  workflow: () => import('./workflow/index.ts'),
}

/** A registry that knows every built-in type. */
export function registerBuiltins(registry: PluginRegistry): PluginRegistry {
  for (const [type, load] of Object.entries(builtinPlugins)) registry.provide(type, load)
  return registry
}
