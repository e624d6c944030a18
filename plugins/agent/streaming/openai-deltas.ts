// OpenAI's streamed chat completions (also vLLM's, Ollama's, llama.cpp's...):
// `chat.completion.chunk` objects whose `choices[0].delta` carries `content`
// text and `tool_calls` pieces. A call's first piece has its `index`, `id`
// and `function.name`; the following ones add to `function.arguments`, JSON
// text cut anywhere. The turn ends with a `finish_reason`; a trailing usage
// chunk (no choices) and `[DONE]` carry nothing.

import { upstreamFailed } from '../../../core/plugin/api.ts'
import type { AssembledTurn } from './assembled-turn.ts'
import { errorTextOf, excerptOfValue, type WireReader } from './wire-reader.ts'

type Json = Record<string, unknown>

export function isOpenAiChunk(event: Json): boolean {
  return event.object === 'chat.completion.chunk' || Array.isArray(event.choices)
}

export function openAiDeltaReader(turn: AssembledTurn, what: string): WireReader {
  let finished = false
  let lastCall: number | undefined
  return {
    read(event) {
      if (event.error) throw upstreamFailed(`${what} sent an error in its stream: ${errorTextOf(event.error)}`)
      if (!Array.isArray(event.choices)) throw upstreamFailed(`${what} sent an event that is not a chat.completion.chunk: ${excerptOfValue(event)}`)
      const choice = event.choices[0] as Json | undefined
      if (!choice) return undefined // the usage chunk
      if (choice.finish_reason) finished = true
      const delta = (choice.delta ?? {}) as Json
      if (Array.isArray(delta.tool_calls)) {
        for (const piece of delta.tool_calls as Json[]) lastCall = readCallPiece(turn, piece, lastCall, what)
      }
      if (typeof delta.content !== 'string' || delta.content === '') return undefined
      turn.addText(delta.content)
      return delta.content
    },
    ended: () => (finished ? undefined : 'no chunk with a finish_reason'),
  }
}

/** Adds one `tool_calls` piece; returns the index of the call it belongs to. */
function readCallPiece(turn: AssembledTurn, piece: Json, lastCall: number | undefined, what: string): number {
  const fn = (piece.function ?? {}) as Json
  const id = typeof piece.id === 'string' ? piece.id : ''
  const name = typeof fn.name === 'string' ? fn.name : ''
  const args = typeof fn.arguments === 'string' ? fn.arguments : ''
  // Some compatible servers leave `index` out: a piece with an id starts the next call, one without continues the last.
  const index = typeof piece.index === 'number' ? piece.index : id || lastCall === undefined ? (lastCall ?? -1) + 1 : lastCall
  if (!Number.isInteger(index) || index < 0) throw upstreamFailed(`${what} sent a tool call piece with index ${JSON.stringify(piece.index)}`)
  if (!turn.hasCall(index)) turn.startCall(index, id, name)
  turn.addToCall(index, { id, name, arguments: args })
  return index
}
