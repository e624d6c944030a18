// One task = how a compose `task` maps onto a transformers.js pipeline. Every
// task has the same shape; each lives in its own file under tasks/.

import type { ModelAction } from './schema.ts'

export interface ModelTask {
  /** The transformers.js pipeline to run; `seq2seq` says the model is encoder-decoder. */
  pipeline(seq2seq: boolean): string
  /** What the pipeline is called with: a text, a list of texts (a batch) or chat messages. */
  input(action: ModelAction): unknown
  /** Call options the task adds to the generation parameters. */
  options(action: ModelAction, seq2seq: boolean): Record<string, unknown>
  /** The text of one item the pipeline returns. */
  text(item: unknown): string
}

/** The `text` of an action, or a clear error. */
export function requireText(action: ModelAction): string | string[] {
  if (action.text === undefined || action.text === null) throw new Error('the model needs "text"')
  return action.text
}

export function field(item: unknown, name: string): string {
  const value = (item as Record<string, unknown> | null)?.[name]
  return typeof value === 'string' ? value : ''
}
