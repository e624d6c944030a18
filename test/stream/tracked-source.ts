// What the stream operators' tests read from: a source that counts the chunks
// it handed out (back-pressure: nothing is read ahead) and notes when its
// finally ran (ending a consumer early ends its source). It may fail after its
// chunks.

export function tracked<T>(chunks: readonly T[], error?: Error) {
  const state = { pulled: 0, finished: false }
  async function* generate(): AsyncGenerator<T> {
    try {
      for (const chunk of chunks) {
        state.pulled++
        yield chunk
      }
      if (error) throw error
    } finally {
      state.finished = true
    }
  }
  return Object.assign(state, { stream: generate() })
}
