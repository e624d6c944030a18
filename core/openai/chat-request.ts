// The body of `POST /v1/chat/completions`, checked: what mc uses of it (the
// model, the messages, whether to stream and to report usage). Sampling
// parameters (temperature, max_tokens, ...) belong to the workflow's own
// components and are ignored, as a model that has no use for them would.

import { OpenAiParamError } from './openai-error.ts'

export interface ChatMessage {
  role: string
  /** Text, or OpenAI's list of content parts; kept as sent for a workflow that reads the list. */
  content: unknown
  [key: string]: unknown
}

export interface ChatRequest {
  model: string
  messages: ChatMessage[]
  stream: boolean
  /** `stream_options.include_usage`: a last chunk carries the usage (null when nobody reported one). */
  includeUsage: boolean
}

export function parseChatRequest(body: unknown): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OpenAiParamError('body', 'expected a JSON object')
  const raw = body as Record<string, unknown>
  if (typeof raw.model !== 'string' || raw.model === '') throw new OpenAiParamError('model', 'expected the name of a model (GET /v1/models lists them)')
  if (!Array.isArray(raw.messages) || raw.messages.length === 0) throw new OpenAiParamError('messages', 'expected a non-empty list of {role, content}')
  raw.messages.forEach((message, i) => {
    if (message === null || typeof message !== 'object' || Array.isArray(message) || typeof (message as ChatMessage).role !== 'string') {
      throw new OpenAiParamError(`messages[${i}]`, 'expected {role, content}')
    }
  })
  if (raw.stream !== undefined && raw.stream !== null && typeof raw.stream !== 'boolean') throw new OpenAiParamError('stream', 'expected true or false')
  const options = raw.stream_options
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) throw new OpenAiParamError('stream_options', 'expected an object')
  const includeUsage = (options as Record<string, unknown> | null | undefined)?.include_usage
  if (includeUsage !== undefined && includeUsage !== null && typeof includeUsage !== 'boolean') throw new OpenAiParamError('stream_options.include_usage', 'expected true or false')
  return { model: raw.model, messages: raw.messages as ChatMessage[], stream: raw.stream === true, includeUsage: includeUsage === true }
}

/** The text of a message's content: a string, or the `text` of its text parts, joined. */
export function textOfContent(content: unknown): string | undefined {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return undefined
  const texts = content.filter((part) => part?.type === 'text' && typeof part.text === 'string').map((part) => part.text as string)
  return texts.length > 0 ? texts.join('\n') : undefined
}
