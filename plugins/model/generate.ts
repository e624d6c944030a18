// Runs one generation. Streaming: each decoded piece is pushed as a chunk the
// moment it is decoded (piece-streamer.ts). Either way, the run's AbortSignal
// stops generation at the next token (a stopping criterion).

import { pushStream } from '../../core/stream/push-stream.ts'
import { ConfigurationError, type RunContext } from '../../core/plugin/api.ts'
import type { LoadedModel } from './load.ts'
import { PieceStreamer } from './piece-streamer.ts'
import type { ModelAction, ModelParams } from './schema.ts'
import type { ModelTask } from './task.ts'

/** Why streaming cannot run with these values (naming the key), or undefined when it can. */
export function streamingProblem(action: ModelAction): ConfigurationError | undefined {
  const params = action.params ?? {}
  if ((params.batch_size ?? 1) !== 1) return new ConfigurationError(`streaming needs batch_size: 1 (got ${params.batch_size})`, ['params', 'batch_size'])
  if ((params.num_beams ?? 1) > 1) return new ConfigurationError(`streaming needs num_beams: 1 (got ${params.num_beams})`, ['params', 'num_beams'])
  if (Array.isArray(action.text)) return new ConfigurationError('streaming needs a single input text, not a list', ['text'])
  return undefined
}

interface Tokenizer {
  decode(ids: bigint[], options: { skip_special_tokens: boolean }): string
  all_special_ids: (number | bigint)[]
}

export function isStreaming(value: ModelAction['streaming']): boolean {
  if (typeof value === 'string') return ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase())
  return value === true
}

function generationOptions(params: ModelParams): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  if (params.max_output_length !== undefined) options.max_new_tokens = params.max_output_length
  if (params.min_output_length !== undefined) options.min_new_tokens = params.min_output_length
  for (const key of ['do_sample', 'num_beams', 'temperature', 'top_p', 'top_k', 'repetition_penalty'] as const) {
    if (params[key] !== undefined) options[key] = params[key]
  }
  return options
}

export async function generate(model: LoadedModel, task: ModelTask, action: ModelAction, { signal, log }: RunContext): Promise<{ result: unknown }> {
  const { lib, pipe, seq2seq } = model
  const input = task.input(action)
  const stop = new lib.InterruptableStoppingCriteria()
  const interrupt = () => stop.interrupt()
  signal.addEventListener('abort', interrupt, { once: true })
  let tokens = 0
  const options = {
    ...generationOptions(action.params ?? {}),
    ...task.options(action, seq2seq),
    stopping_criteria: [stop],
  }
  const texts = (output: unknown): string[] => (output as unknown[]).flat().map((item) => task.text(item))
  const finished = () => {
    signal.removeEventListener('abort', interrupt)
    log.debug(`generated ${tokens} tokens${stop.interrupted ? ' (stopped: cancelled)' : ''}`)
  }

  if (!isStreaming(action.streaming)) {
    // Counts generated tokens without decoding them (a TextStreamer would decode each one).
    let prompt = true
    const countTokens = {
      put: (value: bigint[][]) => {
        if (prompt) prompt = false
        else tokens += value.length
      },
      end: () => {},
    }
    try {
      const output = await pipe(input, { ...options, ...(action.params?.batch_size ? { batch_size: action.params.batch_size } : {}), streamer: countTokens })
      signal.throwIfAborted()
      const all = texts(output)
      return { result: Array.isArray(action.text) ? all : (all[0] ?? '') }
    } finally {
      finished()
    }
  }

  const problem = streamingProblem(action)
  if (problem) throw problem
  const chunks = pushStream<string>(interrupt)
  const tokenizer = pipe.tokenizer as Tokenizer
  const streamer = new PieceStreamer({
    decode: (ids) => tokenizer.decode(ids, { skip_special_tokens: true }),
    specialIds: new Set(tokenizer.all_special_ids.map((id) => BigInt(id))),
    onPiece: (text) => chunks.push(text),
    onToken: () => void tokens++,
  })
  pipe(input, { ...options, streamer }).then(
    () => {
      finished()
      chunks.end()
    },
    (error) => {
      finished()
      chunks.fail(error)
    },
  )
  return { result: chunks.stream }
}
