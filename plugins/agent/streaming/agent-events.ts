// How a streaming agent run reaches its client. The run's result is one
// stream of events, each a JSON object with a `type`:
//   {type:"text", text}                                a piece of the model's answer, as it arrives
//   {type:"tool_call", id, name, arguments}            a call the model made, its arguments parsed
//   {type:"tool_result", id, name, content, is_error}  what the tool gave back
//   {type:"message", message}                          each whole message, assistant and tool (model-compose's chunk)
// The workflow's output picks what a client gets, with no special case in mc:
//   `${output[].text as text;sse-text}` the answer's text only: the guide's curl -N, fetch reader loop and
//                                        EventSource show it as it grows (events without `text` render to
//                                        null and are dropped)
//   `${output as json;sse-json}`        every event, one JSON document each (UIs that show tool activity)
//   `${output[].message as json;sse-json}`  model-compose's stream of whole messages
// Text of a later turn is set off from an earlier turn's by a blank line. A model
// that does not stream gives its turn's text as one `text` event, before the message.
//
// The loop's events (react-loop.ts) are read by shape, not imported: the agent imports this folder.

import { markMessages, type Stream } from '../../../core/plugin/api.ts'

/** What the agent's loop yields. */
export type LoopEvent =
  | { type: 'text'; text: string }
  | { type: 'message'; message: unknown }
  | { type: 'tool_call'; call: { id: string; name: string; arguments: unknown } }
  | { type: 'tool_result'; result: { id: string; content: unknown; is_error?: boolean }; message: unknown }

/** What a client gets. */
export type AgentStreamEvent =
  | { type: 'text'; text: string }
  | { type: 'message'; message: unknown }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_result'; id: string; name: string; content: unknown; is_error: boolean }

/** The blank line between the texts of two turns. */
export const TURN_BREAK = '\n\n'

/** The run's result under `streaming: true`: each event a whole message of the stream (`mc run` writes one a line). */
export function agentEventStream(events: AsyncIterable<LoopEvent>): Stream<AgentStreamEvent> {
  return markMessages(clientEvents(events))
}

async function* clientEvents(events: AsyncIterable<LoopEvent>): AsyncGenerator<AgentStreamEvent> {
  const names = new Map<string, string>() // tool call id → tool name, for its result
  let textBefore = false // an earlier turn gave text
  let textInTurn = false
  for await (const event of events) {
    switch (event.type) {
      case 'text':
        if (event.text === '') break
        if (textBefore && !textInTurn) yield { type: 'text', text: TURN_BREAK }
        textInTurn = true
        yield { type: 'text', text: event.text }
        break
      case 'message': {
        // A model that does not stream gave no pieces: its whole text is the one piece.
        const text = textInTurn ? '' : textOf(event.message)
        if (text !== '') {
          if (textBefore) yield { type: 'text', text: TURN_BREAK }
          yield { type: 'text', text }
          textInTurn = true
        }
        textBefore ||= textInTurn
        textInTurn = false
        yield { type: 'message', message: event.message }
        break
      }
      case 'tool_call': {
        const { id, name, arguments: args } = event.call
        names.set(id, name)
        yield { type: 'tool_call', id, name, arguments: args }
        break
      }
      case 'tool_result': {
        const { id, content, is_error } = event.result
        yield { type: 'tool_result', id, name: names.get(id) ?? '', content, is_error: is_error === true }
        yield { type: 'message', message: event.message }
        break
      }
    }
  }
}

/** The text blocks of a message, joined. */
function textOf(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content
  if (!Array.isArray(content)) return ''
  return content.map((block) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('')
}
