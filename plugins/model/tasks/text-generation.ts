// text-generation: continue a text. On an encoder-decoder model (the guide's
// facebook/bart-large-cnn) it runs as text-to-text generation.

import { field, requireText, type ModelTask } from '../task.ts'

export const textGeneration: ModelTask = {
  pipeline: (seq2seq) => (seq2seq ? 'text2text-generation' : 'text-generation'),
  input: requireText,
  options: (_action, seq2seq) => (seq2seq ? {} : { return_full_text: false }),
  text: (item) => field(item, 'generated_text'),
}
