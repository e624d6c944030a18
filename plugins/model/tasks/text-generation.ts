// text-generation: continue a text. On an encoder-decoder model (the guide's
// facebook/bart-large-cnn, model-compose 0.4.10's `architecture: seq2seq`) it
// runs as text-to-text generation.

import { checkText, needsModel, textOf, type ModelTask } from '../engine/task.ts'

export const textGeneration: ModelTask = {
  pipeline: (seq2seq) => (seq2seq ? 'text2text-generation' : 'text-generation'),
  architectureProblem: needsModel('text-generation', 'either'),
  checkAction: (action) => checkText('text-generation', action, 'text or prompt'),
  input: (action) => ({ texts: textOf(action) }),
}
