// chat-completion: answer chat `messages`, with the chat template applied
// (the component's `chat_template`, else the model's) and `tools` offered.

import { ConfigurationError } from '../../../core/plugin/api.ts'
import { chatPrompt, checkChatTemplate, messagesOf } from './chat-prompt.ts'
import { needsModel, type ModelTask } from '../engine/task.ts'
import { checkTaskKeys } from '../engine/task-keys.ts'
import { toolsOf } from './tools.ts'

export const chatCompletion: ModelTask = {
  pipeline: () => 'text-generation',
  architectureProblem: needsModel('chat-completion', 'causal'),
  checkAction(action, settings) {
    if (action.messages === undefined) throw new Error('chat-completion needs "messages"')
    checkTaskKeys('chat-completion', action, false)
    for (const key of ['messages', 'tools'] as const) {
      const value = action[key]
      if (typeof value === 'string' && !value.includes('${')) throw new ConfigurationError(`expected ${key === 'messages' ? 'a message or a list of messages' : 'a list of tool names or tool definitions'}, or a binding`, [key])
    }
    for (const key of ['text', 'prompt'] as const) {
      if (action[key] !== undefined) throw new ConfigurationError(`task chat-completion reads "messages", not "${key}"`, [key])
    }
    // Tool names are checked now when they are literal; a binding is checked when a run renders it.
    if (Array.isArray(action.tools) && !JSON.stringify(action.tools).includes('${')) toolsOf(action, settings.tools)
  },
  input: (action, model, settings) => ({
    texts: chatPrompt(model.tokenizer, messagesOf(action), settings.chat_template, toolsOf(action, settings.tools)),
    addSpecialTokens: false,
  }),
  checkModel: checkChatTemplate,
}
