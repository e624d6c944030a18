// text-to-text: model-compose 0.4.92's seq2seq task (translation,
// summarization, paraphrasing with an encoder-decoder model).

import { checkText, needsModel, textOf, type ModelTask } from '../engine/task.ts'

export const textToText: ModelTask = {
  pipeline: () => 'text2text-generation',
  architectureProblem: needsModel('text-to-text', 'seq2seq', 'text-generation'),
  checkAction: (action) => checkText('text-to-text', action),
  input: (action) => ({ texts: textOf(action) }),
}
