// text-embedding: one vector per text (a list for a list of texts), pooled
// from the encoder's token states as the action's `pooling` says (in `params`
// or, as 0.4.92's lfm2 example writes it, beside them), else as the model's
// sentence-transformers files say (1_Pooling/config.json), else by mean
// (model-compose's default); L2-normalised unless `normalize` is false.

import { ConfigurationError, flagOf, invalidInput } from '../../../core/plugin/api.ts'
import type { ModelAction } from '../engine/action-schema.ts'
import { encodeInBatches } from '../engine/encode.ts'
import type { LoadedModel } from '../engine/load.ts'
import { configuredPooling, normalized, pool, POOLINGS, type Pooling } from '../engine/pooling.ts'
import { textsOf } from '../engine/rendered-values.ts'
import { checkText, needsEncoder, type EncoderTask } from '../engine/task.ts'
import { encoderParamOf } from '../engine/task-keys.ts'

/** The pooling each loaded model's files say, read once at load. */
const modelPooling = new WeakMap<LoadedModel, Pooling | undefined>()

function poolingOf(action: ModelAction, model: LoadedModel): Pooling {
  const asked = encoderParamOf(action, 'pooling')
  if (asked === undefined || asked === null) return modelPooling.get(model) ?? 'mean'
  if (!(POOLINGS as readonly unknown[]).includes(asked)) throw invalidInput(`pooling: expected one of ${POOLINGS.join(', ')} (got ${JSON.stringify(asked)})`)
  return asked as Pooling
}

export const textEmbedding: EncoderTask = {
  pipeline: () => 'feature-extraction',
  head: 'hidden-states',
  architectureProblem: needsEncoder('text-embedding'),
  checkAction(action) {
    checkText('text-embedding', action, 'text', true)
    const pooling = encoderParamOf(action, 'pooling')
    if (typeof pooling === 'string' && !pooling.includes('${') && !(POOLINGS as readonly string[]).includes(pooling)) {
      throw new ConfigurationError(`expected one of ${POOLINGS.join(', ')}`, action.pooling !== undefined ? ['pooling'] : ['params', 'pooling'])
    }
  },
  checkModel(model) {
    modelPooling.set(model, configuredPooling(model.folder))
  },
  async run(model, action, _settings, context) {
    const { texts, single } = textsOf(action.text, 'text')
    const pooling = poolingOf(action, model)
    const normalize = flagOf(encoderParamOf(action, 'normalize'), 'normalize', true)
    const vectors = await encodeInBatches(model, action, texts, undefined, context, (outputs, encoded) => {
      if (!outputs.last_hidden_state) throw new Error('the model gives no last_hidden_state: task text-embedding needs an encoder (BertModel-like) export')
      return pool(outputs.last_hidden_state, encoded.attention_mask as never, pooling).map((v) => (normalize ? normalized(v) : v))
    })
    return { result: single ? vectors[0] : vectors }
  },
}
