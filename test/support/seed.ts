// The user's seed document, read from shared/ beside the repository.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './mc.ts'

export const SEED = join(ROOT, '../shared/seed/streaming-mode.zh-cn.md')

/** The fenced code blocks of one language, in document order. */
export function codeBlocks(language: string): string[] {
  if (!existsSync(SEED)) return []
  const text = readFileSync(SEED, 'utf8')
  const blocks: string[] = []
  const fence = /^([ \t]*)```(\w*)\n([\s\S]*?)^\1```/gm
  for (const match of text.matchAll(fence)) {
    if (match[2] === language) blocks.push(match[3]!.replace(new RegExp(`^${match[1]}`, 'gm'), ''))
  }
  return blocks
}
