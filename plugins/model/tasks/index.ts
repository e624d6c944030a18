import type { TaskName } from '../schema.ts'
import type { ModelTask } from '../task.ts'
import { chatCompletion } from './chat-completion.ts'
import { summarization } from './summarization.ts'
import { textGeneration } from './text-generation.ts'
import { translation } from './translation.ts'

export const tasks: Record<TaskName, ModelTask> = {
  'text-generation': textGeneration,
  'chat-completion': chatCompletion,
  translation,
  summarization,
}
