// Load-time checks of a model component's keys: what model-compose has and mc
// does not (a task, a driver) is refused by name, and a key mc cannot honour
// is refused with the reason, never silently ignored.

import { ConfigurationError, notInMc } from '../../../core/plugin/api.ts'
import { ARCHITECTURES, DRIVERS, isTaskName, MODEL_COMPOSE_DRIVERS, MODEL_COMPOSE_TASKS, TASKS } from './model-compose-names.ts'
import { modelSourceProblem } from './model-source.ts'
import type { ModelSettings } from './schema.ts'

/** model-compose `precision` → transformers.js `dtype` (which ONNX weights to load). */
export const PRECISION_DTYPES: Record<string, string> = { auto: 'auto', float32: 'fp32', float16: 'fp16' }

export function settingsProblem(settings: ModelSettings): ConfigurationError | undefined {
  const { task, driver } = settings
  if (!isTaskName(task)) {
    const message = MODEL_COMPOSE_TASKS.includes(task) ? notInMc('model task', task, TASKS) : `unknown model task "${task}" (mc has: ${TASKS.join(', ')})`
    return new ConfigurationError(message, ['task'])
  }
  if (driver !== undefined && !(DRIVERS as readonly string[]).includes(driver)) {
    const message = MODEL_COMPOSE_DRIVERS.includes(driver)
      ? notInMc('model driver', driver, DRIVERS)
      : `unknown model driver "${driver}" (model-compose has: ${MODEL_COMPOSE_DRIVERS.join(', ')}; mc has: ${DRIVERS.join(', ')})`
    return new ConfigurationError(message, ['driver'])
  }
  if (settings.model === undefined) return new ConfigurationError('is required', ['model'])
  return refusedKeyProblem(settings) ?? valueProblem(settings) ?? modelSourceProblem(settings.model, settings.revision)
}

/** model-compose keys whose effect mc cannot give. */
function refusedKeyProblem(settings: ModelSettings): ConfigurationError | undefined {
  const refuse = (key: keyof ModelSettings, why: string) => new ConfigurationError(`mc cannot honour "${key}": ${why}`, [key])
  if (Array.isArray(settings.peft_adapters) ? settings.peft_adapters.length > 0 : settings.peft_adapters != null) {
    return refuse('peft_adapters', 'transformers.js cannot apply LoRA / PEFT adapters to a model; merge them into the model and export that to ONNX')
  }
  if (settings.quantization != null && settings.quantization !== 'none') {
    return refuse('quantization', 'transformers.js cannot quantize weights as it loads them; pick pre-quantized ONNX weights with "dtype" (q8, q4, bnb4, ...)')
  }
  if (settings.fast_tokenizer === false) return refuse('fast_tokenizer', 'mc has only the fast tokenizer (tokenizer.json), not the slow Python one')
  if (settings.options !== undefined) return refuse('options', 'these are engine options of model-compose\'s llamacpp / vllm drivers; mc runs the huggingface one')
  if (settings.family !== undefined) return refuse('family', 'it picks the implementation of model-compose\'s custom driver; mc runs the huggingface one')
  for (const key of ['max_memory', 'cpu_limit'] as const) {
    if (settings.runtime?.[key] != null) return new ConfigurationError(`mc cannot honour "${key}": it does not cap a child process's memory or CPU (that needs cgroups mc may not have)`, ['runtime', key])
  }
  return undefined
}

function valueProblem(settings: ModelSettings): ConfigurationError | undefined {
  const task = settings.task as keyof typeof ARCHITECTURES
  if (settings.architecture !== undefined && !ARCHITECTURES[task].includes(settings.architecture)) {
    return new ConfigurationError(`architecture "${settings.architecture}" does not apply to task ${task} (expected one of ${ARCHITECTURES[task].join(', ')})`, ['architecture'])
  }
  if (settings.precision !== undefined) {
    if (settings.dtype !== undefined) return new ConfigurationError('give "dtype" or "precision", not both', ['precision'])
    if (!(settings.precision in PRECISION_DTYPES)) {
      const why = settings.precision === 'bfloat16' ? 'bfloat16 weights have no ONNX form transformers.js loads' : `expected one of ${Object.keys(PRECISION_DTYPES).join(', ')}`
      return new ConfigurationError(`precision "${settings.precision}": ${why} (use float16 or float32, or "dtype")`, ['precision'])
    }
  }
  const gpu = /^cuda:(\d+)$/.exec(settings.device ?? '')
  if (gpu && gpu[1] !== '0') return new ConfigurationError(`device "${settings.device}": mc runs on the first CUDA device only (device: cuda)`, ['device'])
  if (task !== 'chat-completion') {
    for (const key of ['chat_template', 'tools'] as const) {
      if (settings[key] !== undefined) return new ConfigurationError(`"${key}" is for task chat-completion, not ${task}`, [key])
    }
  }
  if (settings.labels !== undefined && task !== 'text-classification') return new ConfigurationError(`"labels" is for task text-classification, not ${task}`, ['labels'])
  return undefined
}
