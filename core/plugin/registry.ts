// The component types mc knows: built-ins registered by the CLI, third-party
// ones loaded at run time from the module specifiers under `plugins:`.

import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ComponentPlugin, PluginModule } from './api.ts'

export class PluginRegistry {
  private readonly plugins = new Map<string, ComponentPlugin>()

  register(plugin: ComponentPlugin): this {
    if (!plugin || typeof plugin.type !== 'string' || typeof plugin.create !== 'function' || !plugin.action) {
      throw new Error('a component plugin needs a "type", an "action" schema and a "create" function')
    }
    this.plugins.set(plugin.type, plugin)
    return this
  }

  get(type: string): ComponentPlugin | undefined {
    return this.plugins.get(type)
  }

  types(): string[] {
    return [...this.plugins.keys()].sort()
  }

  /** Imports a plugin module: a path relative to `baseDir`, or a package name. */
  async load(specifier: string, baseDir: string): Promise<ComponentPlugin[]> {
    const isPath = specifier.startsWith('.') || isAbsolute(specifier)
    const url = isPath ? pathToFileURL(resolve(baseDir, specifier)).href : (Bun.resolveSync(specifier, baseDir))
    const module = (await import(url)) as { default?: PluginModule }
    const exported = module.default
    if (!exported) throw new Error(`plugin "${specifier}" has no default export`)
    const plugins = Array.isArray(exported) ? exported : [exported]
    for (const plugin of plugins) this.register(plugin)
    return plugins
  }
}
