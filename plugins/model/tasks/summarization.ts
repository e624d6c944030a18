// summarization: condense a text (encoder-decoder models such as BART).

import { checkText, needsModel, textOf, type ModelTask } from '../engine/task.ts'

export const summarization: ModelTask = {
  pipeline: () => 'summarization',
  architectureProblem: needsModel('summarization', 'seq2seq', 'text-generation'),
  checkAction: (action) => checkText('summarization', action),
  input: (action) => ({ texts: textOf(action) }),
}
