// What the control-flow suites (control-flow-*.test.ts) share: a compose file
// loaded in process into a Runtime, runs of its workflows, and small builders
// of jobs and shell components.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadCompose } from '../../core/compose/load.ts'
import { createLogger } from '../../core/log.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { Runtime } from '../../core/runtime/runtime.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir } from '../support/mc.ts'

/**
 * Loaders of compose text; `env` gives the environment the file is loaded
 * with (the local upstream's URL as U, for the suites that start one).
 */
export function loaders(env: () => Record<string, string> = () => ({})) {
  async function load(text: string) {
    const registry = new PluginRegistry()
    registerBuiltins(registry)
    const dir = composeDir({ 'compose.yml': text })
    const { model } = await loadCompose({ files: [], env: env(), registry, cwd: dir })
    return { runtime: new Runtime(model, createLogger('test', () => {})), dir }
  }
  const runtimeFor = async (text: string) => (await load(text)).runtime
  async function loadError(text: string): Promise<string> {
    try {
      await load(text)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('expected a load error')
  }
  return { load, runtimeFor, loadError }
}

export const run = async (runtime: Runtime, id: string | undefined, input: unknown, signal = new AbortController().signal) => runtime.run(runtime.workflow(id), input, signal)
export async function collect(stream: unknown): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const chunk of stream as AsyncIterable<unknown>) out.push(chunk)
  return out
}
export const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n')
/** A job that gives `text` without running anything. */
export const say = (id: string, text: string, extra = '') => `      - { id: ${id}, type: filter, output: "${text}"${extra} }\n`
export const shell = (id: string, command: string, extra = '') => `  - id: ${id}\n    type: shell\n    command: ${JSON.stringify(command)}\n    output: \${stdout}\n${extra}`
