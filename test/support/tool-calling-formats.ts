// The wire formats of a tool-calling model's turn, byte for byte as OpenAI's
// chat completions and Anthropic's messages API frame them: the SSE events of
// a streamed turn (tool call arguments cut into pieces mid-JSON) and the whole
// answer of a non-streamed one. Text-only turns reuse api-formats.ts.

import { anthropicEvents, anthropicMessage, openAiCompletion, openAiEvents } from './api-formats.ts'

export interface ScriptedCall {
  id: string
  name: string
  /** An object, sent as its JSON; a string is sent as it is (a model's malformed arguments). */
  arguments: Record<string, unknown> | string
}

/** One answer of the model: text, then tool calls (none: the final answer). */
export interface ScriptedTurn {
  text?: string
  toolCalls?: ScriptedCall[]
}

const CREATED = 1694268190

/** Words with their leading space, as a tokenizer gives them. */
export function tokensOf(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : [])
}

const argumentText = (call: ScriptedCall) => (typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments))

/** JSON text cut every `size` characters: pieces that are not JSON on their own. */
function piecesOf(text: string, size: number): string[] {
  const pieces: string[] = []
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size))
  return pieces
}

function openAiChunk(delta: Record<string, unknown>, finish: string | null): string {
  const chunk = {
    id: 'chatcmpl-mc-tools',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'gpt-4o',
    system_fingerprint: 'fp_mc_test',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  }
  return `data: ${JSON.stringify(chunk)}\n\n`
}

export function openAiTurnEvents(turn: ScriptedTurn, pieceChars: number): string[] {
  const calls = turn.toolCalls ?? []
  if (calls.length === 0) return openAiEvents(tokensOf(turn.text ?? ''))
  const events: string[] = []
  const text = tokensOf(turn.text ?? '')
  if (text.length > 0) {
    events.push(openAiChunk({ role: 'assistant', content: '', refusal: null }, null))
    for (const token of text) events.push(openAiChunk({ content: token }, null))
  }
  calls.forEach((call, index) => {
    const start = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }
    events.push(openAiChunk(index === 0 && text.length === 0 ? { role: 'assistant', content: null, tool_calls: [start], refusal: null } : { tool_calls: [start] }, null))
    for (const piece of piecesOf(argumentText(call), pieceChars)) events.push(openAiChunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null))
  })
  events.push(openAiChunk({}, 'tool_calls'), 'data: [DONE]\n\n')
  return events
}

export function openAiTurnAnswer(turn: ScriptedTurn) {
  const calls = turn.toolCalls ?? []
  const answer = openAiCompletion(turn.text ?? '')
  if (calls.length === 0) return answer
  const message = {
    role: 'assistant',
    content: turn.text ?? null,
    tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: argumentText(call) } })),
    refusal: null,
  }
  return { ...answer, choices: [{ index: 0, message, logprobs: null, finish_reason: 'tool_calls' }] }
}

const anthropicEvent = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`

export function anthropicTurnEvents(turn: ScriptedTurn, pieceChars: number): string[] {
  const calls = turn.toolCalls ?? []
  if (calls.length === 0) return anthropicEvents(tokensOf(turn.text ?? ''))
  // The text-only framing without its closing events: message_start, the text block, ping...
  const text = tokensOf(turn.text ?? '')
  const opening = anthropicEvents(text).slice(0, text.length > 0 ? -2 : 1)
  const events = text.length > 0 ? opening : [opening[0]!, 'event: ping\ndata: {"type": "ping"}\n\n']
  const first = text.length > 0 ? 1 : 0
  calls.forEach((call, i) => {
    const index = first + i
    events.push(anthropicEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }))
    events.push(anthropicEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }))
    for (const piece of piecesOf(argumentText(call), pieceChars)) {
      events.push(anthropicEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }))
    }
    events.push(anthropicEvent('content_block_stop', { type: 'content_block_stop', index }))
  })
  events.push(
    anthropicEvent('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } }),
    anthropicEvent('message_stop', { type: 'message_stop' }),
  )
  return events
}

export function anthropicTurnAnswer(turn: ScriptedTurn) {
  const calls = turn.toolCalls ?? []
  const answer = anthropicMessage(turn.text ?? '')
  if (calls.length === 0) return answer
  const content = [
    ...(turn.text ? [{ type: 'text', text: turn.text }] : []),
    ...calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: typeof call.arguments === 'string' ? call.arguments : call.arguments })),
  ]
  return { ...answer, content, stop_reason: 'tool_use' }
}
