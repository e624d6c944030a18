// The environment a compose file sees, lowest precedence first:
//   1. `.env` in the current folder;
//   2. `.env` in the compose file's folder (the project's own: it wins over
//      the folder mc happens to be started from);
//   3. the process's environment (what the shell exported wins over a file);
//   4. `--env-file` files, later wins. Naming one replaces both `.env` files,
//      as in model-compose and docker compose;
//   5. `-e KEY=VALUE`.
// mc reads `.env` itself. Bun's own autoload (the current folder only, with
// `.env.local`, `.env.development`… on top) is off: bunfig.toml, cli/mc, the
// executable's build (cli/build/build.ts).

import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** An env file is a few lines of KEY=VALUE; a larger one is refused before it is read. */
const MAX_ENV_FILE_BYTES = 1024 * 1024

/**
 * KEY=VALUE lines. As python-dotenv (model-compose) reads them, an unquoted or
 * double-quoted value expands `${NAME}` and `${NAME:-default}` from the file's
 * earlier lines, then `outer`; a single-quoted one is kept as written.
 */
function parseEnvFile(text: string, file: string, outer: (name: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  const expand = (value: string) => value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => (out[name] ?? outer(name)) || (fallback ?? ''))
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line)
    if (!match) throw new Error(`${file}:${i + 1}:1: expected KEY=VALUE`)
    let value = match[2]!
    const quote = value[0]
    if (quote === "'" && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1)
    else if (quote === '"' && value.endsWith(quote) && value.length >= 2) value = expand(value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1'))
    else value = expand(value.replace(/\s+#.*$/, ''))
    out[match[1]!] = value
  })
  return out
}

/** `prefix` names where the file came from in messages (`--env-file: `). */
function readEnvFile(file: string, prefix: string, outer: (name: string) => string | undefined): Record<string, string> {
  let text: string | undefined
  try {
    if (statSync(file).size <= MAX_ENV_FILE_BYTES) text = readFileSync(file, 'utf8')
  } catch {
    throw new Error(`${prefix}cannot read ${file}`)
  }
  if (text === undefined) throw new Error(`${prefix}${file} is larger than 1 MiB`)
  return parseEnvFile(text, file, outer)
}

/**
 * The `.env` files mc reads when no `--env-file` is given, lowest precedence
 * first: the current folder's, then the one beside the first compose file
 * (the current folder when none is named, as there mc looks for one).
 */
export function dotenvFiles(composeFiles: string[], cwd = process.cwd()): string[] {
  const project = composeFiles[0] ? dirname(resolve(cwd, composeFiles[0])) : cwd
  return [...new Set([join(cwd, '.env'), join(project, '.env')])].filter((file) => existsSync(file))
}

/**
 * A `.env` read without being named must be the user's own and writable by
 * nobody else: one another user left in a shared folder (/tmp) could point an
 * API key's base URL elsewhere. `--env-file` names a file on purpose.
 */
function checkOwnFile(file: string): void {
  const { uid, mode } = statSync(file)
  if (process.getuid && uid !== process.getuid()) throw new Error(`${file} belongs to another user (uid ${uid}): mc reads only your own .env files; remove it, or name it with --env-file`)
  if (mode & 0o002) throw new Error(`${file} may be written by anyone: mc does not read it; chmod o-w it, or name it with --env-file`)
}

export function resolveEnv(envFiles: string[], assignments: string[], base: Record<string, string | undefined> = process.env, dotenv: string[] = []): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {}
  // `${NAME}` in a file reads NAME as the layers read so far settle it (the process over .env files).
  if (envFiles.length === 0) {
    for (const file of dotenv) {
      checkOwnFile(file)
      Object.assign(env, readEnvFile(file, '', (name) => base[name] ?? env[name]))
    }
  }
  Object.assign(env, base)
  for (const file of envFiles) Object.assign(env, readEnvFile(file, '--env-file: ', (name) => env[name]))
  for (const assignment of assignments) {
    const at = assignment.indexOf('=')
    if (at <= 0) throw new Error(`-e ${assignment}: expected KEY=VALUE`)
    env[assignment.slice(0, at)] = assignment.slice(at + 1)
  }
  return env
}
