// How the http-client reads an upstream body (core/http/upstream-body.ts):
// the action's timeout bounds how long the upstream may stay silent, not how
// long mc's own consumer (a slow client, holding back-pressure) takes
// between reads.

import { describe, expect, test } from 'bun:test'
import { readBody } from '../../../core/http/upstream-body.ts'

const encoder = new TextEncoder()

/** A body giving `pieces`, each `gapMs` after the previous one was asked for. */
function slowBody(pieces: string[], gapMs: number): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    async pull(controller) {
      await Bun.sleep(gapMs)
      if (at < pieces.length) controller.enqueue(encoder.encode(pieces[at++]!))
      else controller.close()
    },
  })
}

describe('reading an upstream body', () => {
  test('a consumer slower than the timeout gets every chunk: only the upstream staying silent times out', async () => {
    const body = readBody(slowBody(['a', 'b', 'c'], 10), 100, 'upstream GET http://x')
    const got: string[] = []
    for await (const chunk of body) {
      got.push(new TextDecoder().decode(chunk))
      await Bun.sleep(300) // the client takes three timeouts to take the chunk
    }
    expect(got).toEqual(['a', 'b', 'c'])
  })

  test('an upstream silent for longer than the timeout fails the read, naming the upstream', async () => {
    const body = readBody(slowBody(['a', 'b'], 400), 100, 'upstream GET http://x')
    const read = (async () => {
      for await (const _ of body) {
        // reading
      }
    })()
    await expect(read).rejects.toThrow('upstream GET http://x sent nothing for 0.1s')
  })
})
