// Loads the compose file(s) named on the command line (else the nearest one
// from the current folder up), with the built-in plugins registered and the
// environment resolved.

import { loadCompose, type LoadResult } from '../../core/compose/load.ts'
import { createLogger, type Logger } from '../../core/log.ts'
import { registerSecretsOf } from '../../core/secrets.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import type { CliArgs } from './args.ts'
import { lendHostModules } from './host-modules.ts'
import { dotenvFiles, resolveEnv } from './env.ts'
import { nearestComposeFile } from './nearest-compose-file.ts'

export interface Project extends LoadResult {
  log: Logger
}

/** Without -f, the current folder's compose file or the nearest above it (nearest-compose-file.ts). */
export async function loadProject(args: CliArgs, named = args.files): Promise<Project> {
  const files = named.length > 0 ? named : [nearestComposeFile(process.cwd())]
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
