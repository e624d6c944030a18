// One task = what a compose `task` reads, on which kind of model: a task that
// generates text (GenerationTask, run by generate.ts) or one that reads an
// encoder once per input (EncoderTask, which runs itself). Each lives in its
// own file under tasks/.

import { ConfigurationError, invalidInput, type RunContext } from '../../../core/plugin/api.ts'
import type { ModelAction } from './action-schema.ts'
import type { GenerationInput } from './generate-texts.ts'
import type { LoadedModel } from './load.ts'
import type { ModelSettings } from './schema.ts'
import { checkTaskKeys } from './task-keys.ts'

/** What a task generates from: one text, or a list (a batch). */
export type TaskInput = Omit<GenerationInput, 'texts' | 'maxInputLength'> & { texts: string | string[] }

interface TaskBase {
  /** The transformers.js pipeline this task is (`seq2seq`: on an encoder-decoder model): it names the model config's task_specific_params. */
  pipeline(seq2seq: boolean): string
  /** Why the loaded model does not fit the task or the `architecture` key, or undefined. */
  architectureProblem(architecture: string | undefined, seq2seq: boolean): string | undefined
  /** Load-time checks of the action's literal values, beyond the schema. */
  checkAction?(action: ModelAction, settings: ModelSettings): void
  /** Checks once the model is loaded (a chat template it needs, ...); throws one line. */
  checkModel?(model: LoadedModel, settings: ModelSettings, name: string): void
}

/** A task that generates text (generate.ts runs it). */
export interface GenerationTask extends TaskBase {
  input(action: ModelAction, model: LoadedModel, settings: ModelSettings): TaskInput
}

/** A task that reads an encoder's outputs once per input (embedding, classification, reranking). */
export interface EncoderTask extends TaskBase {
  /** Which model class it loads: the bare encoder, or one with a sequence-classification head. */
  head: 'hidden-states' | 'sequence-classification'
  run(model: LoadedModel, action: ModelAction, settings: ModelSettings, context: RunContext): Promise<{ result: unknown }>
}

export type ModelTask = GenerationTask | EncoderTask

const CAUSAL = 'decoder-only (causal)'
const SEQ2SEQ = 'encoder-decoder (seq2seq)'

/**
 * The architecture check of a task that needs one kind of model (or either):
 * `architecture: causal` / `seq2seq` (0.4.10) and the seq2seq families of
 * 0.4.92 (t5, bart, ...) must match what the model's config says.
 */
export function needsModel(task: string, kind: 'causal' | 'seq2seq' | 'either', instead?: string): TaskBase['architectureProblem'] {
  return (architecture, seq2seq) => {
    const is = seq2seq ? SEQ2SEQ : CAUSAL
    if (kind !== 'either' && seq2seq !== (kind === 'seq2seq')) {
      return `is ${is}: task ${task} needs a${kind === 'seq2seq' ? `n ${SEQ2SEQ}` : ` ${CAUSAL}`} model${instead ? ` (use task: ${instead})` : ''}`
    }
    if (architecture === undefined || architecture === 'auto') return undefined
    if ((architecture === 'causal') === seq2seq) return `is ${is}, but the component says architecture: ${architecture}`
    return undefined
  }
}

/** The check of an encoder task: an encoder-decoder model is refused; `architecture` was checked against the task's names. */
export function needsEncoder(task: string): TaskBase['architectureProblem'] {
  return (_architecture, seq2seq) => (seq2seq ? `is ${SEQ2SEQ}: task ${task} needs an encoder model (BERT-like)` : undefined)
}

/** The text of an action: `text`, or `prompt` (model-compose 0.4.92's text-generation). */
export function textOf(action: ModelAction): string | string[] {
  const text = action.text ?? action.prompt
  if (text === undefined || text === null) throw invalidInput(`${action.prompt !== undefined ? 'prompt' : 'text'}: the model needs a text`)
  return text
}

/** Load-time check that an action has its text, given once. */
export function checkText(task: string, action: ModelAction, accepts: 'text' | 'text or prompt' = 'text', encoder = false): void {
  checkTaskKeys(task, action, encoder)
  if (action.prompt !== undefined && accepts === 'text') throw new ConfigurationError(`task ${task} reads "text", not "prompt"`, ['prompt'])
  if (action.text !== undefined && action.prompt !== undefined) throw new ConfigurationError('give "text" or "prompt", not both', ['prompt'])
  if (action.text === undefined && action.prompt === undefined) throw new Error(`${task} needs "text"`)
  if (action.messages !== undefined) throw new ConfigurationError(`task ${task} reads "text", not "messages" (those are for chat-completion)`, ['messages'])
}
