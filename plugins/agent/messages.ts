// model-compose's canonical message form, which an agent keeps its
// conversation in and hands its model as `${messages}`: a role and a list of
// blocks. The model component's `output` maps its answer into this form.

export interface TextBlock {
  type: 'text'
  text: string
}

export interface ToolCallBlock {
  type: 'tool_call'
  id: string
  name: string
  /** A mapping of the tool's parameters (a JSON text of one is parsed: tool-calls.ts). */
  arguments: unknown
}

export interface ToolResultBlock {
  type: 'tool_result'
  id: string
  content: string
  is_error?: true
}

export type ContentBlock = TextBlock | ToolCallBlock | ToolResultBlock

export interface CanonicalMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: ContentBlock[]
}

/** One message of one text block (model-compose's _build_text_messages); the text as rendered, whatever it is. */
export function textMessage(role: 'system' | 'user', text: unknown): CanonicalMessage {
  return { role, content: [{ type: 'text', text: text as string }] }
}

/** One tool message per result, as model-compose gives them (OpenAI wants one a call). */
export function toolMessage(result: ToolResultBlock): CanonicalMessage {
  return { role: 'tool', content: [result] }
}

/** The tool calls of an assistant message, with model-compose's defaults for missing keys. */
export function toolCallsOf(message: unknown): ToolCallBlock[] {
  const content = (message as { content?: unknown } | null)?.content
  if (!Array.isArray(content)) return []
  return content
    .filter((block): block is Record<string, unknown> => isRecord(block) && block.type === 'tool_call')
    .map((block) => ({ type: 'tool_call', id: String(block.id ?? ''), name: String(block.name ?? ''), arguments: block.arguments ?? {} }))
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
