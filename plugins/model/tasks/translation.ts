// translation: `params.src_lang` / `params.tgt_lang` for multilingual models.

import { checkText, needsModel, textOf, type ModelTask } from '../engine/task.ts'

export const translation: ModelTask = {
  pipeline: () => 'translation',
  architectureProblem: needsModel('translation', 'seq2seq', 'text-generation'),
  checkAction: (action) => checkText('translation', action),
  input: ({ params, ...action }) => ({
    texts: textOf(action),
    languages: {
      ...(params?.src_lang ? { src_lang: params.src_lang } : {}),
      ...(params?.tgt_lang ? { tgt_lang: params.tgt_lang } : {}),
    },
  }),
}
