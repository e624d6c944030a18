// The user's streaming guide, copied into the repository (see
// test/fixtures/seed/README.md for its source).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './mc.ts'

export const SEED = join(ROOT, 'test/fixtures/seed/streaming-mode.zh-cn.md')

/** The fenced code blocks of one language, in document order. */
export function codeBlocks(language: string): string[] {
  const text = readFileSync(SEED, 'utf8')
  const blocks: string[] = []
  const fence = /^([ \t]*)```(\w*)\n([\s\S]*?)^\1```/gm
  for (const match of text.matchAll(fence)) {
    if (match[2] === language) blocks.push(match[3]!.replace(new RegExp(`^${match[1]}`, 'gm'), ''))
  }
  return blocks
}
