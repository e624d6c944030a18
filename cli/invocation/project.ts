// Loads the compose file(s) named on the command line, with the built-in
// plugins registered and the environment resolved.

import { loadCompose, type LoadResult } from '../../core/compose/load.ts'
import { createLogger, type Logger } from '../../core/log.ts'
import { registerSecretsOf } from '../../core/secrets.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import type { CliArgs } from './args.ts'
import { lendHostModules } from './host-modules.ts'
import { dotenvFiles, resolveEnv } from './env.ts'

export interface Project extends LoadResult {
  log: Logger
}

export async function loadProject(args: CliArgs, files = args.files): Promise<Project> {
  const env = resolveEnv(args.envFiles, args.env, process.env, dotenvFiles(files))
  registerSecretsOf(env)
  lendHostModules()
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  const log = createLogger('mc')
  const result = await loadCompose({ files, env, registry })
  for (const warning of result.warnings) log.warn(warning)
  return { ...result, log }
}
