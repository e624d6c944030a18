// Runs one action. A list of texts runs `batch_size` texts at a time (1 by
// default, as model-compose does). Streaming: each decoded piece is pushed as
// a chunk the moment it is decoded (piece-streamer.ts). Either way, the run's
// AbortSignal stops generation at the next token (a stopping criterion).
// Besides `result`, a run gives `usage` (its tokens) and `completion` (its
// answer as OpenAI's API shapes it): completion-result.ts.

import { ConfigurationError, formatKeyPath, invalidInput, pushStream, type RunContext } from '../../../core/plugin/api.ts'
import { generationOptions, paramsOf, paramsProblem } from './action-params.ts'
import type { ModelAction } from './action-schema.ts'
import { CompletionShape, finishReason, tokenUsage } from './completion-result.ts'
import { DEFAULT_MAX_NEW_TOKENS, generateTexts, type GenerationInput } from './generate-texts.ts'
import type { LoadedModel } from './load.ts'
import { PieceStreamer } from './piece-streamer.ts'
import { modelName } from './model-source.ts'
import type { ModelSettings } from './schema.ts'
import { stopSequenceCriteria } from './stop-sequences.ts'
import type { GenerationTask, ModelTask } from './task.ts'

export function isStreaming(value: ModelAction['streaming']): boolean {
  if (typeof value === 'string') return ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase())
  return value === true
}

/**
 * The action's values as rendered for this run. A value a binding gave that cannot run is the
 * request's fault (422), named by its key: literal ones were refused when the file loaded.
 */
function prepare(model: LoadedModel, task: GenerationTask, settings: ModelSettings, action: ModelAction) {
  try {
    const streaming = isStreaming(action.streaming)
    const problem = paramsProblem(action, streaming)
    if (problem) throw problem
    const params = paramsOf(action)
    const { texts, ...rest } = task.input(action, model, settings)
    const input: GenerationInput = { ...rest, texts: Array.isArray(texts) ? texts : [texts], ...(params.max_input_length ? { maxInputLength: params.max_input_length } : {}) }
    return { streaming, params, input, batched: Array.isArray(texts) }
  } catch (error) {
    throw error instanceof ConfigurationError ? invalidInput(`${formatKeyPath(error.path)}: ${error.message}`) : error
  }
}

export async function generate(model: LoadedModel, task: ModelTask, settings: ModelSettings, action: ModelAction, context: RunContext): Promise<{ result: unknown; usage?: unknown; completion?: unknown }> {
  // Encoder tasks (embedding, classification, reranking) read the model once per input: no generation.
  if ('run' in task) return task.run(model, action, settings, context)
  const { signal, log } = context
  const { streaming, params, input, batched } = prepare(model, task, settings, action)
  const stop = new model.lib.InterruptableStoppingCriteria()
  const interrupt = () => stop.interrupt()
  signal.addEventListener('abort', interrupt, { once: true })
  let tokens = 0
  const options = { ...generationOptions(params), stopping_criteria: [stop, ...stopSequenceCriteria(model, action.stop_sequences)] }
  const counted = { promptTokens: 0 }
  const shape = new CompletionShape(settings.model === undefined ? 'model' : modelName(settings.model))
  const finish = () => finishReason(tokens, Number(params.max_output_length ?? DEFAULT_MAX_NEW_TOKENS))
  const finished = () => {
    signal.removeEventListener('abort', interrupt)
    log.debug(`generated ${tokens} tokens${stop.interrupted ? ' (stopped: cancelled)' : ''}`)
  }

  if (!streaming) {
    // Counts generated tokens without decoding them (a TextStreamer would decode each one).
    let prompt = true
    const countTokens = {
      put: (value: bigint[][]) => {
        if (prompt) prompt = false
        else tokens += value.length
      },
      end: () => void (prompt = true),
    }
    try {
      const all: string[] = []
      const batch = Math.max(1, Math.trunc(Number(params.batch_size ?? 1)) || 1)
      for (let at = 0; at < input.texts.length; at += batch) {
        all.push(...(await generateTexts(model, { ...input, texts: input.texts.slice(at, at + batch) }, { ...options, streamer: countTokens }, counted)))
        signal.throwIfAborted()
      }
      const usage = tokenUsage(counted.promptTokens, tokens)
      // A batch is many answers: its usage is their sum, and it has no one completion.
      if (batched) return { result: all, usage }
      return { result: all[0] ?? '', usage, completion: shape.whole(all[0] ?? '', finish(), usage) }
    } finally {
      finished()
    }
  }

  // Two streams of the same pieces: the text, and OpenAI's chunks of it (whichever the workflow reads).
  const chunks = pushStream<string>(interrupt)
  const completion = pushStream<unknown>(interrupt)
  completion.push(shape.chunk({ role: 'assistant', content: '' }))
  const { tokenizer } = model
  const streamer = new PieceStreamer({
    decode: (ids) => tokenizer.decode(ids, { skip_special_tokens: true }),
    specialIds: new Set(tokenizer.all_special_ids.map((id) => BigInt(id))),
    onPiece: (text) => {
      chunks.push(text)
      completion.push(shape.chunk({ content: text }))
    },
    onToken: () => void tokens++,
  })
  generateTexts(model, input, { ...options, streamer }, counted).then(
    () => {
      finished()
      chunks.end()
      completion.push(shape.chunk({}, finish()))
      completion.push(shape.usageChunk(tokenUsage(counted.promptTokens, tokens)))
      completion.end()
    },
    (error) => {
      finished()
      chunks.fail(error)
      completion.fail(error)
    },
  )
  // The usage is known once the stream ends: it comes as `completion`'s last chunk.
  return { result: chunks.stream, completion: completion.stream }
}
