// Finds and loads a model: a local folder is read in place; a Hugging Face id
// is downloaded into the cache (MC_CACHE_DIR, default ~/.cache/mc/models, or
// the model's own `cache_dir`) on first use, with progress, from the Hub or
// HF_ENDPOINT, unless mc is offline (MC_OFFLINE=1 or HF_HUB_OFFLINE=1, or the
// model's `local_files_only`). transformers.js is imported on first use, so mc
// starts without it when no model component is declared.

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../../../core/plugin/api.ts'
import { useHubToken } from './hub-token.ts'
import { explainLoadError } from './load-error.ts'
import { cachedFolder, modelName, resolveModelSource } from './model-source.ts'
import { downloadProgress } from './progress.ts'
import type { ModelSettings } from './schema.ts'
import { PRECISION_DTYPES } from './settings-check.ts'
import type { EncoderTask, ModelTask } from './task.ts'

/** A tokenizer call's result: input_ids, attention_mask, ... (tensors). */
export type Encoded = { input_ids: { dims: number[] } } & Record<string, unknown>

export interface Tokenizer {
  (texts: string[], options: Record<string, unknown>): Encoded
  batch_decode(ids: unknown, options: { skip_special_tokens: boolean }): string[]
  decode(ids: bigint[], options: { skip_special_tokens: boolean }): string
  apply_chat_template(messages: unknown[], options: Record<string, unknown>): unknown
  /** Multilingual translation tokenizers only. */
  _build_translation_inputs?(texts: string[], options: Record<string, unknown>, generation: Record<string, unknown>): Encoded
  all_special_ids: (number | bigint)[]
  chat_template: unknown
  padding_side: string
  add_bos_token?: boolean
  add_eos_token?: boolean
}

export interface LoadedModel {
  model: { generate(options: Record<string, unknown>): Promise<unknown> }
  tokenizer: Tokenizer
  /** An encoder-decoder model (BART, T5, Marian, ...). */
  seq2seq: boolean
  /** What the model's config puts before every input of this task (T5's "summarize: "). */
  prefix: string
  /** The transformers.js module, for streamers and stopping criteria. */
  lib: typeof import('@huggingface/transformers')
  /** The folder the model was read from, when it is on disk (a local model, or one read from the cache offline). */
  folder?: string
}

interface ModelConfig {
  is_encoder_decoder?: boolean
  prefix?: string
  task_specific_params?: Record<string, { prefix?: string }>
}

function isOffline(env: Readonly<Record<string, string | undefined>>): boolean {
  const on = (v: string | undefined) => v !== undefined && !['', '0', 'false', 'no'].includes(v.toLowerCase())
  return on(env.MC_OFFLINE) || on(env.HF_HUB_OFFLINE)
}

/**
 * model-compose's device names → transformers.js's: the first CUDA device, Apple's accelerator
 * through CoreML. `auto` (model-compose's "the GPU if there is one") is the CPU: onnxruntime's
 * own `auto` fails, rather than falls back, where the CUDA libraries are missing.
 */
function deviceOf(device: string | undefined): string {
  if (device === undefined || device === 'auto') return 'cpu'
  if (device === 'cuda:0') return 'cuda'
  if (device === 'mps') return 'coreml'
  return device
}

/** transformers.js as this mc's environment says: offline or not, its cache, a Hub mirror. Whether mc is offline. */
export function configureLibrary(lib: LoadedModel['lib'], env: Readonly<Record<string, string | undefined>>): boolean {
  const offline = isOffline(env)
  lib.env.allowRemoteModels = !offline
  lib.env.cacheDir = env.MC_CACHE_DIR ?? join(env.HOME ?? homedir(), '.cache', 'mc', 'models')
  // HF_ENDPOINT: a Hub mirror, as the huggingface tools read it.
  if (env.HF_ENDPOINT) lib.env.remoteHost = env.HF_ENDPOINT.endsWith('/') ? env.HF_ENDPOINT : `${env.HF_ENDPOINT}/`
  return offline
}

export async function loadModel(settings: ModelSettings, task: ModelTask, baseDir: string, env: Readonly<Record<string, string | undefined>>, log: Logger): Promise<LoadedModel> {
  const lib = await import('@huggingface/transformers')
  const offline = configureLibrary(lib, env)
  const model = settings.model! // settings-check.ts refused a component without one
  const name = modelName(model)
  const source = resolveModelSource(model, settings.revision, baseDir, env)
  const cacheOnly = offline ? 'offline (MC_OFFLINE / HF_HUB_OFFLINE)' : 'hub' in source && source.localFilesOnly ? 'local_files_only' : undefined
  // A Hub model read from the cache alone is read as the folder it is cached in: transformers.js 4.3
  // looks its tokenizer up in the main revision of the default cache, whatever revision and cache_dir it is given.
  const folder = 'local' in source ? source.local : cacheOnly ? cachedFolder(source, lib.env.cacheDir ?? '') : undefined
  if (folder !== undefined && !existsSync(join(folder, 'config.json'))) {
    throw new Error(
      'local' in source
        ? `model folder ${folder} has no config.json (a model folder holds config.json, tokenizer files and onnx/*.onnx)`
        : `model ${name}: ${cacheOnly} and ${join(folder, 'config.json')} is not in the cache; load it once with network access, or point "model" at a local folder`,
    )
  }
  const hub = folder === undefined && 'hub' in source ? source : undefined
  if (hub?.token) useHubToken(lib, hub.hub, hub.token)
  const started = performance.now()
  log.info(`loading model ${name}${offline ? ' (offline)' : ''}${settings.device === 'auto' ? ' on the cpu (device: auto; write device: cuda for the GPU)' : ''}`)
  // Progress only for downloads: transformers.js reports reading local files the same way.
  const progress = hub ? downloadProgress(name, log) : undefined
  const where = folder ?? hub!.hub
  const options = {
    dtype: settings.dtype ?? PRECISION_DTYPES[settings.precision ?? ''] ?? 'fp32',
    device: deviceOf(settings.device),
    ...(hub?.revision ? { revision: hub.revision } : {}),
    ...(hub?.cacheDir ? { cache_dir: hub.cacheDir } : {}),
    ...(progress ? { progress_callback: progress.callback } : {}),
  }
  let loaded: LoadedModel
  try {
    // The config first: it says which model class to load. (transformers.js's pipeline() would also
    // fetch the main revision's config, without the revision, cache_dir or local_files_only asked for.)
    const config = (await lib.AutoConfig.from_pretrained(where, options as never)) as ModelConfig
    const seq2seq = config.is_encoder_decoder === true
    const mismatch = task.architectureProblem(settings.architecture, seq2seq)
    if (mismatch) throw new ArchitectureError(`model ${name} ${mismatch}`)
    const ModelClass = 'head' in task ? encoderClass(lib, task.head) : seq2seq ? lib.AutoModelForSeq2SeqLM : lib.AutoModelForCausalLM
    const withConfig = { ...options, config } as never
    const [tokenizer, network] = await Promise.all([lib.AutoTokenizer.from_pretrained(where, withConfig), ModelClass.from_pretrained(where, withConfig)])
    const prefix = (config.task_specific_params?.[task.pipeline(seq2seq)]?.prefix ?? '') + (config.prefix ?? '')
    loaded = { model: network as unknown as LoadedModel['model'], tokenizer: tokenizer as unknown as Tokenizer, seq2seq, prefix, lib, ...(folder ? { folder } : {}) }
    if (!seq2seq && !('head' in task)) loaded.tokenizer.padding_side = 'left' // a batch of prompts is padded before them, as the pipeline does
  } catch (error) {
    throw error instanceof ArchitectureError ? error : new Error(explainLoadError(error, name, settings.device, cacheOnly))
  } finally {
    progress?.stop()
  }
  task.checkModel?.(loaded, settings, name)
  log.info(`model ${name} ready (${((performance.now() - started) / 1000).toFixed(1)} s)`)
  return loaded
}

function encoderClass(lib: LoadedModel['lib'], head: EncoderTask['head']) {
  return head === 'sequence-classification' ? lib.AutoModelForSequenceClassification : lib.AutoModel
}

/** The model loaded, but it is not the kind the task or `architecture` says. */
class ArchitectureError extends Error {}
