// A chat-completion prompt: the messages rendered by the chat template (the
// component's `chat_template`, else the tokenizer's), with the tools offered
// and the generation prompt added, as model-compose's apply_chat_template call.

import { invalidInput } from '../../../core/plugin/api.ts'
import type { ModelAction } from '../engine/action-schema.ts'
import type { LoadedModel, Tokenizer } from '../engine/load.ts'
import type { ModelSettings } from '../engine/schema.ts'
import { toolsOf, type ToolDefinition } from './tools.ts'

type Message = Record<string, unknown>

/** `messages` as a list (one message may stand alone); other keys than role and content pass through. */
export function messagesOf(action: ModelAction): Message[] {
  const { messages } = action
  const list: unknown[] = Array.isArray(messages) ? messages : messages ? [messages] : []
  if (list.length === 0) throw invalidInput('messages: chat-completion needs a message')
  if (!list.every((m): m is Message => m !== null && typeof m === 'object')) throw invalidInput('messages: expected a message or a list of messages ({role, content})')
  return list.map((m) => ({
    ...m,
    role: m.role ?? ('arguments' in m ? 'assistant' : 'call_id' in m ? 'tool' : undefined),
    content: typeof m.content === 'string' ? m.content : m.content == null ? '' : JSON.stringify(m.content),
  }))
}

export function chatPrompt(tokenizer: Tokenizer, messages: Message[], template: string | undefined, tools: ToolDefinition[]): string {
  const options = { tokenize: false, add_generation_prompt: true, ...(template ? { chat_template: template } : {}), ...(tools.length > 0 ? { tools } : {}) }
  return tokenizer.apply_chat_template(messages, options) as string
}

/** At load: a model without a chat template is one line naming `chat_template`; a given template must render. */
export function checkChatTemplate({ tokenizer }: LoadedModel, settings: ModelSettings, name: string): void {
  if (!settings.chat_template) {
    if (!tokenizer.chat_template) {
      throw new Error(`model ${name} has no chat template (its tokenizer sets none): give the component a "chat_template" (a Jinja template), or use task: text-generation`)
    }
    return
  }
  try {
    chatPrompt(tokenizer, [{ role: 'user', content: 'Hello' }], settings.chat_template, toolsOf({}, settings.tools))
  } catch (error) {
    throw new Error(`the chat_template of model ${name} does not render: ${(error as Error).message.split('\n')[0]}`)
  }
}
