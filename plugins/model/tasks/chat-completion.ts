// chat-completion: answer chat `messages`, with the model's chat template applied.

import type { ModelTask } from '../task.ts'

export const chatCompletion: ModelTask = {
  pipeline: () => 'text-generation',
  input: (action) => {
    if (!action.messages || action.messages.length === 0) throw new Error('chat-completion needs "messages"')
    return action.messages.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '') }))
  },
  options: () => ({}),
  text: (item) => {
    const conversation = (item as { generated_text?: unknown } | null)?.generated_text
    if (!Array.isArray(conversation)) return typeof conversation === 'string' ? conversation : ''
    const last = conversation.at(-1) as { content?: unknown } | undefined
    return typeof last?.content === 'string' ? last.content : ''
  },
}
