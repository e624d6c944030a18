// Finds and loads a model: a local folder is read in place; a Hugging Face id
// is downloaded into the cache (MC_CACHE_DIR, default ~/.cache/mc/models) on
// first use, with progress, from the Hub or HF_ENDPOINT, unless mc is offline
// (MC_OFFLINE=1 or HF_HUB_OFFLINE=1). transformers.js is imported on
// first use, so mc starts without it when no model component is declared.

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { Logger } from '../../core/log.ts'
import { downloadProgress } from './progress.ts'
import type { ModelSettings } from './schema.ts'
import type { ModelTask } from './task.ts'

/** A callable transformers.js pipeline, with the tokenizer a streamer needs. */
export interface Pipeline {
  (input: unknown, options: Record<string, unknown>): Promise<unknown>
  tokenizer: unknown
}

export interface LoadedModel {
  pipe: Pipeline
  seq2seq: boolean
  /** The transformers.js module, for streamers and stopping criteria. */
  lib: typeof import('@huggingface/transformers')
}

/** Hub repos whose ONNX conversions live elsewhere: what to write instead. */
const ONNX_CONVERSIONS: Record<string, string> = {
  gpt2: 'Xenova/gpt2',
  'facebook/bart-large-cnn': 'Xenova/bart-large-cnn',
  'Helsinki-NLP/opus-mt-ko-en': 'Xenova/opus-mt-ko-en',
  'microsoft/DialoGPT-medium': 'Xenova/DialoGPT-medium',
  'meta-llama/Llama-2-7b-chat-hf': 'onnx-community/Llama-2-7b-chat-hf (or a smaller onnx-community chat model)',
}

export function isOffline(env: Readonly<Record<string, string | undefined>>): boolean {
  const on = (v: string | undefined) => v !== undefined && !['', '0', 'false', 'no'].includes(v.toLowerCase())
  return on(env.MC_OFFLINE) || on(env.HF_HUB_OFFLINE)
}

/** A local folder when the setting names one that exists (relative to the compose file), else a hub id. */
export function resolveModelSource(model: string, baseDir: string): { local: string } | { hub: string } {
  const candidate = isAbsolute(model) ? model : resolve(baseDir, model)
  if (model.startsWith('.') || isAbsolute(model) || existsSync(join(candidate, 'config.json'))) return { local: candidate }
  return { hub: model }
}

export async function loadModel(settings: ModelSettings, task: ModelTask, baseDir: string, env: Readonly<Record<string, string | undefined>>, log: Logger): Promise<LoadedModel> {
  const lib = await import('@huggingface/transformers')
  const offline = isOffline(env)
  lib.env.allowRemoteModels = !offline
  lib.env.cacheDir = env.MC_CACHE_DIR ?? join(env.HOME ?? homedir(), '.cache', 'mc', 'models')
  // HF_ENDPOINT: a Hub mirror, as the huggingface tools read it.
  if (env.HF_ENDPOINT) lib.env.remoteHost = env.HF_ENDPOINT.endsWith('/') ? env.HF_ENDPOINT : `${env.HF_ENDPOINT}/`
  const source = resolveModelSource(settings.model, baseDir)
  const where = 'local' in source ? source.local : source.hub
  if ('local' in source && !existsSync(join(source.local, 'config.json'))) {
    throw new Error(`model folder ${source.local} has no config.json (a model folder holds config.json, tokenizer files and onnx/*.onnx)`)
  }
  const started = performance.now()
  log.info(`loading model ${settings.model}${offline ? ' (offline)' : ''}`)
  // Progress only for downloads: transformers.js reports reading local files the same way.
  const progress = 'hub' in source ? downloadProgress(settings.model, log) : undefined
  const options = {
    dtype: settings.dtype ?? 'fp32',
    device: settings.device ?? 'cpu',
    ...(settings.revision ? { revision: settings.revision } : {}),
    ...(progress ? { progress_callback: progress.callback } : {}),
  }
  try {
    const config = await lib.AutoConfig.from_pretrained(where, options as never)
    const seq2seq = (config as { is_encoder_decoder?: boolean }).is_encoder_decoder === true
    const pipe = (await lib.pipeline(task.pipeline(seq2seq) as never, where, options as never)) as unknown as Pipeline
    log.info(`model ${settings.model} ready (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    return { pipe, seq2seq, lib }
  } catch (error) {
    throw new Error(explainLoadError(error, settings, offline))
  } finally {
    progress?.stop()
  }
}

/** One clear line for the ways loading fails. */
function explainLoadError(error: unknown, settings: ModelSettings, offline: boolean): string {
  const message = error instanceof Error ? error.message : String(error)
  const missing = /not found locally at "([^"]+)"|Could not locate file: "([^"]+)"|missing at "([^"]+)"/.exec(message)
  const found = missing?.[1] ?? missing?.[2] ?? missing?.[3] ?? /(https?:\/\/\S+\/resolve\/[^/]+\/\S+?)["'\s.]*$/m.exec(message)?.[1]
  // A hub URL names its file after /resolve/<revision>/.
  const file = found?.replace(/^https?:\/\/.*?\/resolve\/[^/]+\//, '')
  if (offline && file) {
    return `model ${settings.model}: offline (MC_OFFLINE / HF_HUB_OFFLINE) and ${file} is not in the cache; load it once with network access, or point "model" at a local folder`
  }
  if (/onnx/i.test(message) && /404|not found|locate/i.test(message)) {
    const instead = ONNX_CONVERSIONS[settings.model]
    return `model ${settings.model} has no ONNX weights (${file ?? 'onnx/*.onnx'}); use an ONNX conversion${instead ? ` such as ${instead}` : ', such as the Xenova/… or onnx-community/… repo of the same model'}`
  }
  if (settings.device && settings.device !== 'cpu' && /provider|backend|device|cuda/i.test(message)) {
    return `model ${settings.model}: device "${settings.device}" is not available here (${message.split('\n')[0]}); use device: cpu`
  }
  return `model ${settings.model}: ${message.split('\n')[0]}`
}
