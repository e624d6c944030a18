// The component types mc knows. Built-ins are announced by type and imported
// only when a compose file uses that type (the model plugin brings
// transformers.js and onnxruntime: `mc --version` and a shell workflow must
// not pay for them). Third-party plugins are imported at load time from the
// `plugins:` entries. Both are modules whose default export is a plugin or a
// list of plugins.

import { statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ComponentPlugin, PluginModule } from '../model/component-plugin.ts'
import { packageEntry } from './package-entry.ts'

/** A module that default-exports plugins, imported on first need. */
export type PluginImport = () => Promise<{ default?: PluginModule }>

export class PluginRegistry {
  private readonly plugins = new Map<string, ComponentPlugin>()
  private readonly pending = new Map<string, PluginImport>()

  register(plugin: ComponentPlugin): this {
    if (!plugin || typeof plugin.type !== 'string' || typeof plugin.create !== 'function' || !plugin.action) {
      throw new Error('a component plugin needs a "type", an "action" schema and a "create" function')
    }
    this.plugins.set(plugin.type, plugin)
    this.pending.delete(plugin.type)
    return this
  }

  /** Announces a type whose plugin module is imported only when `require` asks for it. */
  provide(type: string, load: PluginImport): this {
    if (!this.plugins.has(type)) this.pending.set(type, load)
    return this
  }

  /** Imports the announced plugins of these types (the ones a compose file uses). */
  async require(types: Iterable<string>): Promise<void> {
    for (const type of new Set(types)) {
      const load = this.pending.get(type)
      if (load) this.registerAll(await load(), type)
    }
  }

  get(type: string): ComponentPlugin | undefined {
    return this.plugins.get(type)
  }

  types(): string[] {
    return [...new Set([...this.plugins.keys(), ...this.pending.keys()])].sort()
  }

  /**
   * Imports a `plugins:` entry: a file (.ts, .js, a prebuilt ESM bundle) or a
   * folder with a package.json, by a path relative to `baseDir`; or a package
   * name, resolved from `baseDir` like an import written there.
   */
  async load(specifier: string, baseDir: string): Promise<ComponentPlugin[]> {
    const isPath = specifier.startsWith('.') || isAbsolute(specifier)
    const path = isPath ? resolve(baseDir, specifier) : Bun.resolveSync(specifier, baseDir)
    const entry = isPath && statSync(path).isDirectory() ? packageEntry(path) : path
    return this.registerAll(await import(pathToFileURL(entry).href), specifier)
  }

  private registerAll(module: { default?: PluginModule }, name: string): ComponentPlugin[] {
    const exported = module.default
    if (!exported) throw new Error(`plugin "${name}" has no default export`)
    const plugins = Array.isArray(exported) ? exported : [exported]
    for (const plugin of plugins) this.register(plugin)
    return plugins
  }
}
