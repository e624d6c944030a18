// Loads a model's tokenizer alone (the `model-tokenizer` component): from a
// local folder, or a Hugging Face id downloaded into the cache, offline rules
// and access tokens as for a whole model (load.ts).

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../../../core/plugin/api.ts'
import { useHubToken } from './hub-token.ts'
import { configureLibrary, type Tokenizer } from './load.ts'
import { explainLoadError } from './load-error.ts'
import { cachedFolder, modelName, resolveModelSource, type ModelValue } from './model-source.ts'

/** What the model-tokenizer component reads of a tokenizer besides calling it. */
export type StandaloneTokenizer = Tokenizer & { model_max_length: number }

export async function loadTokenizer(model: ModelValue, baseDir: string, env: Readonly<Record<string, string | undefined>>, log: Logger): Promise<StandaloneTokenizer> {
  const lib = await import('@huggingface/transformers')
  const offline = configureLibrary(lib, env)
  const name = modelName(model)
  const source = resolveModelSource(model, undefined, baseDir, env)
  const cacheOnly = offline ? 'offline (MC_OFFLINE / HF_HUB_OFFLINE)' : 'hub' in source && source.localFilesOnly ? 'local_files_only' : undefined
  const folder = 'local' in source ? source.local : cacheOnly ? cachedFolder(source, lib.env.cacheDir ?? '') : undefined
  if (folder !== undefined && !existsSync(join(folder, 'tokenizer.json'))) {
    throw new Error(`tokenizer ${name}: ${join(folder, 'tokenizer.json')} is missing${'local' in source ? ' (a tokenizer folder holds tokenizer.json and tokenizer_config.json)' : `, and mc is ${cacheOnly}`}`)
  }
  const hub = folder === undefined && 'hub' in source ? source : undefined
  if (hub?.token) useHubToken(lib, hub.hub, hub.token)
  log.info(`loading tokenizer ${name}${offline ? ' (offline)' : ''}`)
  try {
    const options = { ...(hub?.revision ? { revision: hub.revision } : {}), ...(hub?.cacheDir ? { cache_dir: hub.cacheDir } : {}) }
    return (await lib.AutoTokenizer.from_pretrained(folder ?? hub!.hub, options)) as unknown as StandaloneTokenizer
  } catch (error) {
    throw new Error(explainLoadError(error, name, undefined, cacheOnly).replace(/^model /, 'tokenizer '))
  }
}
