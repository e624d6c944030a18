// Anthropic's streamed messages: message_start, then per content block a
// content_block_start (`text`, or `tool_use` with its id and name), deltas
// (`text_delta`, or `input_json_delta` whose `partial_json` pieces make the
// call's input) and content_block_stop, then message_delta (the stop reason)
// and message_stop. `ping` carries nothing; thinking blocks are not part of
// the answer and are skipped; an `error` event fails the turn.

import { upstreamFailed } from '../../../core/plugin/api.ts'
import type { AssembledTurn } from './assembled-turn.ts'
import { errorTextOf, excerptOfValue, type WireReader } from './wire-reader.ts'

type Json = Record<string, unknown>

const EVENT_TYPES = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error'])

export function isAnthropicEvent(event: Json): boolean {
  return typeof event.type === 'string' && EVENT_TYPES.has(event.type)
}

export function anthropicEventReader(turn: AssembledTurn, what: string): WireReader {
  let stopped = false
  return {
    read(event) {
      switch (event.type) {
        case 'content_block_start':
          return startBlock(turn, event, what)
        case 'content_block_delta':
          return readDelta(turn, event, what)
        case 'message_stop':
          stopped = true
          return undefined
        case 'error':
          throw upstreamFailed(`${what} sent an error in its stream: ${errorTextOf(event.error)}`)
        case 'message_start':
        case 'content_block_stop':
        case 'message_delta':
        case 'ping':
          return undefined
        default:
          throw upstreamFailed(`${what} sent an event that is not one of Anthropic's message events: ${excerptOfValue(event)}`)
      }
    },
    ended: () => (stopped ? undefined : 'no message_stop event'),
  }
}

function startBlock(turn: AssembledTurn, event: Json, what: string): string | undefined {
  const block = (event.content_block ?? {}) as Json
  const index = indexOf(event, what)
  if (block.type === 'tool_use') {
    turn.startCall(index, String(block.id ?? ''), String(block.name ?? ''), isEmptyObject(block.input) ? undefined : block.input)
    return undefined
  }
  if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
    turn.addText(block.text)
    return block.text
  }
  return undefined
}

function readDelta(turn: AssembledTurn, event: Json, what: string): string | undefined {
  const delta = (event.delta ?? {}) as Json
  if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') {
    turn.addText(delta.text)
    return delta.text
  }
  if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') turn.addToCall(indexOf(event, what), { arguments: delta.partial_json })
  return undefined
}

function indexOf(event: Json, what: string): number {
  if (typeof event.index === 'number' && Number.isInteger(event.index) && event.index >= 0) return event.index
  throw upstreamFailed(`${what} sent a ${String(event.type)} event without a block index: ${excerptOfValue(event)}`)
}

function isEmptyObject(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0)
}
