// The component-level keys of a `model` component (SPEC §1 "model"): mc's own
// and model-compose's (0.4.10 and 0.4.92). Values mc cannot honour are refused
// with the reason by settings-check.ts; the keys of one action are in
// action-schema.ts.

import { Type, type Static } from '@sinclair/typebox'
import { ProcessRuntimeSchema } from './runtime-schema.ts'

/** `model:` as an object: model-compose's `provider: huggingface | local | named` forms. */
const ModelObjectSchema = Type.Object(
  {
    provider: Type.Optional(Type.String({ minLength: 1 })),
    // provider: huggingface
    repository: Type.Optional(Type.String({ minLength: 1 })),
    revision: Type.Optional(Type.String({ minLength: 1 })),
    filename: Type.Optional(Type.String()),
    cache_dir: Type.Optional(Type.String({ minLength: 1 })),
    allow_patterns: Type.Optional(Type.Array(Type.String())),
    local_files_only: Type.Optional(Type.Boolean()),
    token: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    // provider: local
    path: Type.Optional(Type.String({ minLength: 1 })),
    format: Type.Optional(Type.String()),
    url: Type.Optional(Type.Unknown()),
    bundled: Type.Optional(Type.Boolean()),
    // provider: named
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

export type ModelObject = Static<typeof ModelObjectSchema>

/** A tool a chat template may offer the model (model-compose's ToolFunction / ModelTool). */
export const ToolSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
)

export type Tool = Static<typeof ToolSchema>

export const ModelSettingsSchema = Type.Object({
  /** Checked by settings-check.ts, which names model-compose's tasks mc does not have. */
  task: Type.String({ minLength: 1 }),
  /** model-compose's inference backend; mc has huggingface (transformers.js) only. */
  driver: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * A Hugging Face model id or a local folder (relative to the compose file), or model-compose's object
   * form. Required: settings-check.ts says so after the task, which some model-compose tasks run without.
   */
  model: Type.Optional(Type.Union([Type.String({ minLength: 1 }), ModelObjectSchema], { errorMessage: 'expected a model id, a folder, or {provider, repository | path, ...}' })),
  /** causal | seq2seq (0.4.10), auto, or a seq2seq family (0.4.92 text-to-text). */
  architecture: Type.Optional(Type.String({ minLength: 1 })),
  device: Type.Optional(Type.String({ minLength: 1 })),
  device_mode: Type.Optional(Type.Union([Type.Literal('single'), Type.Literal('auto')], { errorMessage: 'expected "single" or "auto"' })),
  /** Which ONNX weights: fp32 (default), fp16, q8, q4 ... */
  dtype: Type.Optional(Type.String({ minLength: 1 })),
  /** model-compose's name for the weights' precision: auto, float32, float16 (bfloat16 has no ONNX weights). */
  precision: Type.Optional(Type.String({ minLength: 1 })),
  revision: Type.Optional(Type.String({ minLength: 1 })),
  /** chat-completion: a Jinja chat template used instead of the tokenizer's (which gpt2 and DialoGPT lack). */
  chat_template: Type.Optional(Type.String({ minLength: 1 })),
  /** chat-completion: the tools an action may offer the model (0.4.92's catalog; 0.4.10's action `tools`). */
  tools: Type.Optional(Type.Array(ToolSchema)),
  /** text-classification: the names of the model's classes, in order (instead of its config's id2label). */
  labels: Type.Optional(Type.Array(Type.String())),
  /** false: load the model on its first run instead of at start. */
  preload: Type.Optional(Type.Boolean()),
  /** `runtime: process`: the model runs in a child process (process/); what mc's runtime pass keeps of `runtime:`. */
  runtime: Type.Optional(ProcessRuntimeSchema),
  // model-compose keys with no effect on what mc computes (model-compose itself never reads the last three).
  low_cpu_mem_usage: Type.Optional(Type.Boolean()),
  max_seq_length: Type.Optional(Type.Integer({ minimum: 1 })),
  runtime_spec: Type.Optional(Type.Unknown()),
  on_demand: Type.Optional(Type.Unknown()),
  // model-compose keys mc refuses, with the reason (settings-check.ts).
  peft_adapters: Type.Optional(Type.Unknown()),
  quantization: Type.Optional(Type.Unknown()),
  fast_tokenizer: Type.Optional(Type.Boolean()),
  options: Type.Optional(Type.Unknown()),
  family: Type.Optional(Type.Unknown()),
})

export type ModelSettings = Static<typeof ModelSettingsSchema>
