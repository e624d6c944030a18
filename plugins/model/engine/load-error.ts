// One clear line for the ways loading a model fails.

/** Hub repos whose ONNX conversions live elsewhere: what to write instead. */
const ONNX_CONVERSIONS: Record<string, string> = {
  gpt2: 'Xenova/gpt2',
  'facebook/bart-large-cnn': 'Xenova/bart-large-cnn',
  'Helsinki-NLP/opus-mt-ko-en': 'Xenova/opus-mt-ko-en',
  'microsoft/DialoGPT-medium': 'Xenova/DialoGPT-medium',
  'meta-llama/Llama-2-7b-chat-hf': 'onnx-community/Llama-2-7b-chat-hf (or a smaller onnx-community chat model)',
}

/** `cacheOnly`: why nothing may be downloaded (offline, local_files_only), when that is so. */
export function explainLoadError(error: unknown, name: string, device: string | undefined, cacheOnly: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error)
  const missing = /not found locally at "([^"]+)"|Could not locate file: "([^"]+)"|missing at "([^"]+)"/.exec(message)
  const found = missing?.[1] ?? missing?.[2] ?? missing?.[3] ?? /(https?:\/\/\S+\/resolve\/[^/]+\/\S+?)["'\s.]*$/m.exec(message)?.[1]
  // A hub URL names its file after /resolve/<revision>/.
  const file = found?.replace(/^https?:\/\/.*?\/resolve\/[^/]+\//, '')
  if (cacheOnly && file) {
    return `model ${name}: ${cacheOnly} and ${file} is not in the cache; load it once with network access, or point "model" at a local folder`
  }
  if (/onnx/i.test(message) && /404|not found|locate/i.test(message)) {
    const instead = ONNX_CONVERSIONS[name]
    return `model ${name} has no ONNX weights (${file ?? 'onnx/*.onnx'}); use an ONNX conversion${instead ? ` such as ${instead}` : ', such as the Xenova/… or onnx-community/… repo of the same model'}`
  }
  if (device && device !== 'cpu' && /provider|backend|device|cuda/i.test(message)) {
    return `model ${name}: device "${device}" is not available here (${message.split('\n')[0]}); use device: cpu`
  }
  return `model ${name}: ${message.split('\n')[0]}`
}
