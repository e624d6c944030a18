// The `openai-embeddings` component type: text in, vectors out, through any
// OpenAI-compatible `POST {base_url}/embeddings` (OpenAI, vLLM, Ollama's /v1,
// LocalAI, TEI...). `${result}` is one vector for a text, a list of vectors for
// a list of texts; `${usage}` the tokens counted, `${model}` the model that
// answered. A long list goes in requests of `batch_size` texts, one after the
// other; the vectors come back in the order of the texts.

import { ConfigurationError, defineComponentPlugin, invalidInput, isCredentialName, registerSecret, toMilliseconds } from 'mc/plugin'
import { embed, type Endpoint, type Usage } from './embeddings-api.ts'
import {
  actionProblem,
  ActionSchema,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_SECONDS,
  embeddingRequestOf,
  keyOf,
  SettingsSchema,
  type Action,
  type Settings,
} from './schema.ts'

export default defineComponentPlugin<Settings, Action>({
  type: 'openai-embeddings',
  settings: SettingsSchema,
  action: ActionSchema,
  defaultOutput: '${result}',
  resultKeys: ['usage', 'model'],
  checkSettings(settings) {
    if (!/^https?:$/.test(urlOf(settings.base_url)?.protocol ?? '')) {
      throw new ConfigurationError(`expected an http(s) URL, e.g. https://api.openai.com/v1, got ${JSON.stringify(settings.base_url)}`, ['base_url'])
    }
  },
  checkAction(action) {
    const problem = actionProblem(action, true)
    if (problem) throw new ConfigurationError(problem.message, problem.path)
  },
  create(settings) {
    const endpoint = endpointOf(settings)
    return {
      async run(action, { signal }) {
        const request = embeddingRequestOf(action, ({ path, message }) => invalidInput(`${keyOf(path)}: ${message}`))
        const vectors: number[][] = []
        const usage: Usage = { prompt_tokens: 0, total_tokens: 0 }
        let model: string | undefined
        const size = request.batchSize ?? request.texts.length
        for (let start = 0; start < request.texts.length; start += size) {
          const batch = request.texts.slice(start, start + size)
          const answer = await embed(
            endpoint,
            {
              model: request.model,
              input: request.single ? batch[0]! : batch,
              ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
            },
            signal,
          )
          vectors.push(...answer.vectors)
          usage.prompt_tokens += answer.usage.prompt_tokens
          usage.total_tokens += answer.usage.total_tokens
          model ??= answer.model
        }
        return { result: request.single ? vectors[0] : vectors, usage, model: model ?? request.model }
      },
    }
  },
})

/** The settings → where and how to send; the credentials are registered so mc masks them in every log line and answer. */
function endpointOf(settings: Settings): Endpoint {
  const url = urlOf(settings.base_url)!
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/embeddings`
  const headers: Record<string, string> = {}
  const secrets: string[] = []
  for (const [name, value] of Object.entries(settings.headers ?? {})) {
    if (value === null) continue
    headers[name.toLowerCase()] = String(value)
    if (isCredentialName(name)) secrets.push(String(value))
  }
  if (settings.api_key) {
    headers.authorization ??= `Bearer ${settings.api_key}`
    secrets.push(settings.api_key)
  }
  for (const secret of secrets) registerSecret(secret)
  return {
    url: url.href,
    headers,
    timeoutMs: toMilliseconds(settings.timeout ?? DEFAULT_TIMEOUT_SECONDS),
    maxResponseBytes: settings.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    mask: (text) => secrets.reduce((masked, secret) => (secret ? masked.split(secret).join('***') : masked), text),
  }
}

function urlOf(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}
