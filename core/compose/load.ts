// The loading pipeline: read → parse → interpolate env (each file) → merge
// files (as written, as model-compose and docker compose merge them) →
// normalise shorthands and dialects → default component → validate →
// load plugins (the built-ins it uses, those under `plugins:`) → build the model.
// Each pass is its own module and can be used alone.

import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { ComposeError } from '../model/compose-error.ts'
import type { PluginRegistry } from '../plugin/registry.ts'
import { buildModel } from './build/build.ts'
import { buildTracers } from './build/build-tracers.ts'
import { interpolateEnv, type MissingEnv } from './interpolate.ts'
import type { EnvRead } from '../model/env-reads.ts'
import { mergeCompose } from './merge.ts'
import type { ComposeModel } from '../model/compose-model.ts'
import { applyDefaultComponent, normalizeCompose } from './normalize.ts'
import { parseCompose } from './parse.ts'
import { formatPlace, placeAtPath, placeOf } from '../model/places.ts'
import { ComposeSchema } from './build/schema.ts'
import { validate } from './build/validate.ts'

const DEFAULT_FILE_NAMES = ['model-compose.yml', 'model-compose.yaml', 'compose.yml', 'compose.yaml']

export interface LoadOptions {
  /** Compose files, merged in order; none = look one up in `cwd`. */
  files: string[]
  env: Record<string, string | undefined>
  registry: PluginRegistry
  cwd?: string
}

export interface LoadResult {
  model: ComposeModel
  /** Things worth saying that do not stop the load (an env var not set, ...). */
  warnings: string[]
}

export function findComposeFile(cwd: string): string {
  for (const name of DEFAULT_FILE_NAMES) {
    const path = resolve(cwd, name)
    if (existsSync(path)) return path
  }
  throw new ComposeError(`no compose file found in ${cwd} (looked for ${DEFAULT_FILE_NAMES.join(', ')}); name one with -f`)
}

/** Compose files are small; a larger one is refused before it is read. */
const MAX_FILE_BYTES = 4 * 1024 * 1024

/** Reads, parses and interpolates one file (no plugins needed): a map of keys as written. */
function readComposeFile(path: string, env: Record<string, string | undefined>, missing: MissingEnv[] = [], name = path, reads: EnvRead[] = []): Record<string, unknown> {
  let text: string
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new ComposeError(`${name}: the compose file is larger than 4 MiB`)
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof ComposeError) throw error
    throw new ComposeError(`cannot read compose file ${path}`)
  }
  const doc = parseCompose(text, name, {
    env,
    onRead: (variable, place, unset) => {
      reads.push({ name: variable, place })
      if (unset) missing.push({ name: variable, place })
    },
  })
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ComposeError(NOT_A_MAP, placeOf(doc, 0) ?? { file: name, line: 1, col: 1 })
  return interpolateEnv(doc, env, missing) as Record<string, unknown>
}

const NOT_A_MAP = 'a compose file must be a map of keys (controller, components, workflows, ...)'

/** A path as messages show it: relative to the working directory when inside it. */
function displayName(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel && !rel.startsWith('..') ? rel : path
}

/** The component types a validated document uses. */
function componentTypes(doc: Record<string, unknown>): string[] {
  const components = (doc.components as { type?: unknown }[] | undefined) ?? []
  return components.flatMap((c) => (typeof c.type === 'string' ? [c.type] : []))
}

export async function loadCompose(options: LoadOptions): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd()
  const files = options.files.length > 0 ? options.files.map((f) => resolve(cwd, f)) : [findComposeFile(cwd)]
  const missing: MissingEnv[] = []
  const envReads: EnvRead[] = []
  let merged: unknown = {}
  for (const file of files) merged = mergeCompose(merged, readComposeFile(file, options.env, missing, displayName(file, cwd), envReads))
  const normalized = normalizeCompose(merged)
  const doc = validate<Record<string, unknown>>(ComposeSchema, applyDefaultComponent(normalized), normalized, [])
  const baseDir = dirname(files[0]!)
  const specifiers = (doc.plugins as string[] | undefined) ?? []
  for (const [i, specifier] of specifiers.entries()) {
    try {
      await options.registry.load(specifier, baseDir)
    } catch (error) {
      throw new ComposeError(`cannot load plugin "${specifier}": ${(error as Error).message.split('\n')[0]}`, placeAtPath(doc, ['plugins', i]), `plugins[${i}]`)
    }
  }
  await options.registry.require(componentTypes(doc))
  const model = buildModel(doc, { baseDir, env: options.env, registry: options.registry, envReads })
  const tracers = buildTracers(doc, options.env)
  if (tracers.length > 0) model.tracers = tracers
  const warnings = [...new Map(missing.map((m) => [m.name, m])).values()].map(
    (m) => `${m.place ? `${formatPlace(m.place)}: ` : ''}environment variable ${m.name} is not set`,
  )
  return { model, warnings }
}
