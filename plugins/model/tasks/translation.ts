// translation: `params.src_lang` / `params.tgt_lang` for multilingual models.

import { field, requireText, type ModelTask } from '../task.ts'

export const translation: ModelTask = {
  pipeline: () => 'translation',
  input: requireText,
  options: ({ params }) => ({
    ...(params?.src_lang ? { src_lang: params.src_lang } : {}),
    ...(params?.tgt_lang ? { tgt_lang: params.tgt_lang } : {}),
  }),
  text: (item) => field(item, 'translation_text'),
}
