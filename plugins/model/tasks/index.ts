import type { TaskName } from '../engine/model-compose-names.ts'
import type { ModelTask } from '../engine/task.ts'
import { chatCompletion } from './chat-completion.ts'
import { summarization } from './summarization.ts'
import { textClassification } from './text-classification.ts'
import { textEmbedding } from './text-embedding.ts'
import { textGeneration } from './text-generation.ts'
import { textReranking } from './text-reranking.ts'
import { textToText } from './text-to-text.ts'
import { translation } from './translation.ts'

export const tasks: Record<TaskName, ModelTask> = {
  'text-generation': textGeneration,
  'chat-completion': chatCompletion,
  'text-to-text': textToText,
  translation,
  summarization,
  'text-embedding': textEmbedding,
  'text-classification': textClassification,
  'text-reranking': textReranking,
}
