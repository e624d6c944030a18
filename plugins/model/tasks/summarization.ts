// summarization: condense a text (encoder-decoder models such as BART).

import { field, requireText, type ModelTask } from '../task.ts'

export const summarization: ModelTask = {
  pipeline: () => 'summarization',
  input: requireText,
  options: () => ({}),
  text: (item) => field(item, 'summary_text'),
}
