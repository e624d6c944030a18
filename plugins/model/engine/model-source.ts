// Where a model comes from: `model:` as a string (a Hub id, or a path when it
// starts with /, ./, ../ or ~/, or names a folder holding config.json) or as
// model-compose's object (`provider: huggingface` with `repository`, or
// `provider: local` with `path`; without a provider, `repository` means
// huggingface and `path` local, as model-compose infers it).

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { ConfigurationError } from '../../../core/plugin/api.ts'
import type { ModelObject, ModelSettings } from './schema.ts'

export interface HubSource {
  hub: string
  revision?: string
  cacheDir?: string
  localFilesOnly?: boolean
  token?: string
}

export type ModelSource = { local: string } | HubSource

type Provider = 'huggingface' | 'local' | 'named'

/** `model:` as written (settings-check.ts refuses a component without one). */
export type ModelValue = NonNullable<ModelSettings['model']>

const PROVIDER_KEYS: Record<Provider, readonly (keyof ModelObject)[]> = {
  huggingface: ['repository', 'revision', 'filename', 'cache_dir', 'allow_patterns', 'local_files_only', 'token'],
  local: ['path', 'format', 'url', 'bundled'],
  named: ['name'],
}

function providerOf(model: ModelObject): string {
  return model.provider ?? (model.repository !== undefined ? 'huggingface' : model.name !== undefined ? 'named' : model.path !== undefined ? 'local' : 'huggingface')
}

/** The model as messages name it. */
export function modelName(model: ModelValue): string {
  return typeof model === 'string' ? model : (model.repository ?? model.path ?? model.name ?? '(model)')
}

/** Why `model:` cannot be loaded as written (naming the key), or undefined. */
export function modelSourceProblem(model: ModelValue, revision?: string): ConfigurationError | undefined {
  if (typeof model === 'string') return undefined
  const provider = providerOf(model)
  const at = (key: keyof ModelObject) => ['model', key]
  if (provider === 'named') {
    return new ConfigurationError('provider "named" names a model known to one of model-compose\'s custom drivers; mc loads a Hugging Face repository or a local folder', at('provider'))
  }
  if (provider !== 'huggingface' && provider !== 'local') return new ConfigurationError(`unknown provider "${provider}" (expected huggingface or local)`, at('provider'))
  for (const [other, keys] of Object.entries(PROVIDER_KEYS)) {
    if (other === provider) continue
    const stray = keys.find((key) => model[key] !== undefined)
    if (stray) return new ConfigurationError(`"${stray}" is a key of provider ${other}, not ${provider}`, at(stray))
  }
  if (provider === 'huggingface') {
    if (model.repository === undefined) return new ConfigurationError('provider huggingface needs "repository"', ['model'])
    if (model.filename) {
      return new ConfigurationError('mc cannot honour "filename": transformers.js loads a repository\'s ONNX weights (onnx/*.onnx, picked with "dtype"), not one named file', at('filename'))
    }
    if (model.revision !== undefined && revision !== undefined) return new ConfigurationError('give the revision once: in "model" or beside it', at('revision'))
    return undefined
  }
  if (model.url !== undefined || model.bundled !== undefined) {
    return new ConfigurationError(`mc cannot honour "${model.url !== undefined ? 'url' : 'bundled'}": mc does not download a local model; put it in "path" first`, at(model.url !== undefined ? 'url' : 'bundled'))
  }
  if (model.path === undefined) return new ConfigurationError('provider local needs "path"', ['model'])
  if (model.format !== undefined && model.format !== 'onnx') {
    return new ConfigurationError(`format "${model.format}": mc runs ONNX models (transformers.js): a folder with config.json, tokenizer files and onnx/*.onnx`, at('format'))
  }
  return undefined
}

/** `~/x` → the home folder; a relative path → from the compose file's folder. */
function localPath(path: string, baseDir: string, env: Readonly<Record<string, string | undefined>>): string {
  if (path === '~' || path.startsWith('~/')) return join(env.HOME ?? homedir(), path.slice(1))
  return isAbsolute(path) ? path : resolve(baseDir, path)
}

/** Where to load the model from; call after modelSourceProblem found nothing. */
export function resolveModelSource(model: ModelValue, revision: string | undefined, baseDir: string, env: Readonly<Record<string, string | undefined>>): ModelSource {
  if (typeof model === 'string') {
    const candidate = localPath(model, baseDir, env)
    const looksLocal = model.startsWith('.') || model === '~' || model.startsWith('~/') || isAbsolute(model)
    if (looksLocal || existsSync(join(candidate, 'config.json'))) return { local: candidate }
    return { hub: model, ...(revision ? { revision } : {}) }
  }
  if (providerOf(model) === 'local') return { local: localPath(model.path!, baseDir, env) }
  const given = model.revision ?? revision
  return {
    hub: model.repository!,
    ...(given ? { revision: given } : {}),
    ...(model.cache_dir ? { cacheDir: localPath(model.cache_dir, baseDir, env) } : {}),
    ...(model.local_files_only ? { localFilesOnly: true } : {}),
    ...(model.token ? { token: model.token } : {}),
  }
}

/** Where transformers.js caches a Hub model: {cache}/{repository}, plus /{revision} for another than main. */
export function cachedFolder(source: HubSource, defaultCacheDir: string): string {
  const folder = join(source.cacheDir ?? defaultCacheDir, source.hub)
  return source.revision && source.revision !== 'main' ? join(folder, source.revision) : folder
}
