// What a chat request gives a workflow as its input. A workflow that reads
// `${input.messages}` gets the list as sent; one that reads a single text
// input gets the last user message's text; one that reads nothing runs as it
// is. Any other workflow cannot be called as a chat model: 400 saying how to
// make it one.

import type { WorkflowModel } from '../model/compose-model.ts'
import { textOfContent, type ChatMessage } from './chat-request.ts'
import { OpenAiParamError } from './openai-error.ts'

const TEXT_TYPES = new Set(['string', 'text'])

export function workflowInputOf(workflow: WorkflowModel, model: string, messages: ChatMessage[]): Record<string, unknown> {
  const fields = workflow.inputSchema
  if (fields.some((field) => field.name === 'messages')) return { messages }
  if (fields.length === 0) return {}
  const [only] = fields
  if (fields.length === 1 && only && TEXT_TYPES.has(only.type)) return { [only.name]: lastUserText(messages) }
  throw new OpenAiParamError(
    'model',
    `workflow of model "${model}" reads ${fields.map((f) => `input.${f.name} (${f.type})`).join(', ')}: a chat model reads either the messages (\${input.messages}) or one text input (the last user message)`,
  )
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!
    if (message.role !== 'user') continue
    const text = textOfContent(message.content)
    if (text === undefined) throw new OpenAiParamError(`messages[${i}].content`, 'expected text, or content parts of type "text"')
    return text
  }
  throw new OpenAiParamError('messages', 'no message has the role "user": the workflow reads the last user message')
}
