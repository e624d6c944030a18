// An embedding from an encoder's token states: their mean, the first ([CLS])
// token's, or their maximum, padding left out; then L2-normalised, as
// model-compose's huggingface driver does (eps 1e-12).

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Tensor } from './encode.ts'

export const POOLINGS = ['mean', 'cls', 'max'] as const
export type Pooling = (typeof POOLINGS)[number]

/** One vector per input of a [batch, tokens, width] tensor, under its attention mask. */
export function pool(states: Tensor, mask: Tensor, pooling: Pooling): number[][] {
  const [batch = 0, tokens = 0, width = 0] = states.dims
  // Read once: a transformers.js tensor's `data` is a getter.
  const data = states.data as Float32Array
  const masked = mask.data
  return Array.from({ length: batch }, (_, b) => {
    const vector = new Float64Array(width).fill(pooling === 'max' ? -Infinity : 0)
    let count = 0
    for (let t = 0; t < (pooling === 'cls' ? 1 : tokens); t++) {
      if (pooling !== 'cls' && Number(masked[b * tokens + t]) === 0) continue
      count++
      const at = (b * tokens + t) * width
      if (pooling === 'max') for (let w = 0; w < width; w++) vector[w] = Math.max(vector[w]!, data[at + w]!)
      else for (let w = 0; w < width; w++) vector[w]! += data[at + w]!
    }
    const scale = pooling === 'mean' ? 1 / Math.max(count, 1e-9) : 1
    return Array.from(vector, (v) => v * scale)
  })
}

export function normalized(vector: number[]): number[] {
  const norm = Math.max(Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)), 1e-12)
  return vector.map((v) => v / norm)
}

/**
 * The pooling a sentence-transformers model says (modules.json → its Pooling module's config.json),
 * when the model is a folder on disk; undefined without one. A mode mc does not have is one line.
 */
export function configuredPooling(folder: string | undefined): Pooling | undefined {
  if (!folder) return undefined
  const modules = readJson(join(folder, 'modules.json')) as { type?: string; path?: string }[] | undefined
  const module = Array.isArray(modules) ? modules.find((m) => m.type?.endsWith('.Pooling')) : undefined
  const file = join(folder, module?.path ?? '1_Pooling', 'config.json')
  const config = readJson(file) as Record<string, unknown> | undefined
  if (!config) return undefined
  if (config.pooling_mode_mean_tokens) return 'mean'
  if (config.pooling_mode_cls_token) return 'cls'
  if (config.pooling_mode_max_tokens) return 'max'
  const mode = Object.keys(config).find((key) => key.startsWith('pooling_mode_') && config[key])
  throw new Error(`${file} pools by ${mode ?? 'no mode'}; mc pools by ${POOLINGS.join(', ')}: set the action's params.pooling`)
}

function readJson(path: string): unknown {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined
}
