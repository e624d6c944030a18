// model-compose 0.4.92's text splitter (StreamingTextSplitter and
// SegmentMergeBuffer in src/mindor/core/component/services/text_splitter/),
// which follows LangChain's RecursiveCharacterTextSplitter. mc splits a whole
// text at once; fed whole, model-compose's streaming form gives the same chunks:
//
// 1. The separator is the first of `separators` found in the text ("" always
//    matches: one segment per character); the ones after it are its fallbacks.
// 2. The text is cut before each occurrence of it: every segment but the
//    first starts with the separator.
// 3. A segment shorter than `chunk_size` joins the merge buffer; a longer one
//    flushes the buffer and is split again with the fallbacks (or, with none
//    left, becomes a chunk of its own).
// 4. The buffer gives a chunk when the next segment would overflow it, then
//    drops its oldest segments down to `chunk_overlap` characters, so the next
//    chunk starts with the end of this one. Chunks are whitespace-stripped;
//    empty ones are dropped.
//
// Lengths count code points, as Python's do. One deliberate difference: when no
// separator is found in a text and "" is not among them, model-compose drops
// that text (it never decides a separator); mc keeps it as one segment.

import { codePoints, pythonStrip } from '../../core/plugin/api.ts'

export function splitText(text: string, separators: readonly string[], chunkSize: number, chunkOverlap: number): string[] {
  const chunks: string[] = []
  split(text, separators, chunkSize, chunkOverlap, chunks)
  return chunks
}

function split(text: string, separators: readonly string[], chunkSize: number, chunkOverlap: number, out: string[]): void {
  const index = separators.findIndex((separator) => separator === '' || text.includes(separator))
  const separator = index < 0 ? undefined : separators[index]!
  const fallbacks = separator ? separators.slice(index + 1) : []
  const buffer = new MergeBuffer(chunkSize, chunkOverlap, out)
  for (const segment of segmentsOf(text, separator)) {
    if (codePoints(segment) < chunkSize) {
      buffer.add(segment)
      continue
    }
    buffer.flush()
    if (fallbacks.length > 0) split(segment, fallbacks, chunkSize, chunkOverlap, out)
    else pushChunk(out, segment)
  }
  buffer.flush()
}

/** The text cut before each occurrence of the separator (code points for ""; the whole text for none). */
function segmentsOf(text: string, separator: string | undefined): string[] {
  if (separator === undefined) return text ? [text] : []
  if (separator === '') return Array.from(text)
  const parts = text.split(separator)
  const segments = parts[0] ? [parts[0]] : []
  for (let i = 1; i < parts.length; i++) segments.push(separator + parts[i])
  return segments
}

function pushChunk(out: string[], text: string): void {
  const chunk = pythonStrip(text)
  if (chunk) out.push(chunk)
}

/** Segments gathered up to `chunkSize` characters; what stays after a chunk is the overlap. */
class MergeBuffer {
  private segments: string[] = []
  private length = 0

  constructor(
    private readonly chunkSize: number,
    private readonly chunkOverlap: number,
    private readonly out: string[],
  ) {}

  add(segment: string): void {
    const size = codePoints(segment)
    if (this.length + size > this.chunkSize) {
      if (this.segments.length > 0) pushChunk(this.out, this.segments.join(''))
      while (this.length > this.chunkOverlap || (this.length > 0 && this.length + size > this.chunkSize)) {
        this.length -= codePoints(this.segments.shift()!)
      }
    }
    this.segments.push(segment)
    this.length += size
  }

  flush(): void {
    if (this.segments.length > 0) pushChunk(this.out, this.segments.join(''))
    this.segments = []
    this.length = 0
  }
}
