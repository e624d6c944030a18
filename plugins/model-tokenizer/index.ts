// The `model-tokenizer` component (model-compose 0.4.92): a model's tokenizer
// alone, loaded once at start, with three methods: encode (text → token ids),
// decode (token ids → text) and count (tokens in a text), for one input or a
// list (methods.ts). Task `text` and driver `huggingface` are model-compose's
// only ones; the tokenizer is transformers.js's (tokenizer.json), so
// `use_fast: false` (the slow Python tokenizer) is refused.

import { ConfigurationError, defineComponentPlugin } from '../../core/plugin/api.ts'
import { loadTokenizer, type StandaloneTokenizer } from '../model/engine/load-tokenizer.ts'
import { modelSourceProblem } from '../model/engine/model-source.ts'
import { checkMethodKeys, count, decode, encode } from './methods.ts'
import { METHODS, TokenizerActionSchema, TokenizerSettingsSchema, type TokenizerAction, type TokenizerSettings } from './schema.ts'

const modelTokenizerPlugin = defineComponentPlugin<TokenizerSettings, TokenizerAction>({
  type: 'model-tokenizer',
  settings: TokenizerSettingsSchema,
  action: TokenizerActionSchema,
  defaultOutput: '${result}',
  checkSettings(settings) {
    if (settings.task !== 'text') throw new ConfigurationError(`unknown task "${settings.task}" (model-compose's model-tokenizer has: text)`, ['task'])
    if (settings.driver !== undefined && settings.driver !== 'huggingface') throw new ConfigurationError(`unknown driver "${settings.driver}" (model-compose's model-tokenizer has: huggingface)`, ['driver'])
    if (settings.model === undefined) throw new ConfigurationError('is required', ['model'])
    if (settings.use_fast === false || settings.use_fast === 'false') throw new ConfigurationError('mc cannot honour "use_fast: false": it has only the fast tokenizer (tokenizer.json), not the slow Python one', ['use_fast'])
    const problem = modelSourceProblem(settings.model)
    if (problem) throw problem
  },
  checkAction(action) {
    if (!(METHODS as readonly string[]).includes(action.method)) throw new ConfigurationError(`expected one of ${METHODS.join(', ')}`, ['method'])
    checkMethodKeys(action)
  },
  create(settings, { baseDir, env, log }) {
    let tokenizer: StandaloneTokenizer | undefined
    return {
      async start() {
        tokenizer = await loadTokenizer(settings.model!, baseDir, env, log)
      },
      async run(action) {
        const method = { encode, decode, count }[action.method as (typeof METHODS)[number]]
        return method(tokenizer!, action)
      },
    }
  },
})

export default modelTokenizerPlugin
