// What model-compose's `model` component has, by name (0.4.92 at 33a4b82f,
// which holds every task and driver of 0.4.10 at c0eabd7e), and what mc has.

/** mc's tasks: model-compose's language tasks, plus mc's own summarization and translation. */
export const TASKS = ['text-generation', 'chat-completion', 'text-to-text', 'summarization', 'translation', 'text-embedding', 'text-classification', 'text-reranking'] as const
export type TaskName = (typeof TASKS)[number]

/** ModelTaskType of src/mindor/dsl/schema/component/impl/model/tasks/common.py. */
export const MODEL_COMPOSE_TASKS: readonly string[] = [
  'text-generation', 'chat-completion', 'text-to-text', 'text-classification', 'text-embedding', 'text-reranking',
  'image-to-text', 'image-text-to-text', 'image-generation', 'image-embedding', 'image-upscale',
  'image-background-removal', 'image-segmentation', 'text-to-video', 'image-to-video', 'object-detection',
  'face-detection', 'face-embedding', 'face-tracking', 'face-swap', 'pose-detection', 'pose-tracking',
  'text-to-speech', 'speech-to-text', 'audio-text-alignment', 'voice-activity-detection', 'speaker-diarization',
  'music-generation', 'music-source-separation',
]

export const DRIVERS = ['huggingface'] as const
export const MODEL_COMPOSE_DRIVERS: readonly string[] = ['huggingface', 'unsloth', 'vllm', 'llamacpp', 'custom']

/** `architecture:` values by task: model-compose's (0.4.10 causal/seq2seq, 0.4.92 auto and seq2seq families). */
export const ARCHITECTURES: Record<TaskName, readonly string[]> = {
  'text-generation': ['auto', 'causal', 'seq2seq'],
  'chat-completion': ['auto', 'causal'],
  'text-to-text': ['auto', 'seq2seq', 't5', 'bart', 'marian', 'pegasus', 'mbart'],
  summarization: ['auto', 'seq2seq', 't5', 'bart', 'marian', 'pegasus', 'mbart'],
  translation: ['auto', 'seq2seq', 't5', 'bart', 'marian', 'pegasus', 'mbart'],
  // model-compose's bert / sbert pick its Python classes; here every encoder loads the same way.
  'text-embedding': ['auto', 'bert', 'sbert'],
  'text-classification': ['auto'],
  'text-reranking': ['auto'],
}

export function isTaskName(task: string): task is TaskName {
  return (TASKS as readonly string[]).includes(task)
}
