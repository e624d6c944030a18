// Text measured and trimmed the way Python does it, so that results match
// model-compose's: a length is a count of code points (an emoji is one, not
// two UTF-16 units), and strip() removes Python's whitespace.

const PYTHON_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const EDGES = new RegExp(`^[${PYTHON_SPACE}]+|[${PYTHON_SPACE}]+$`, 'g')

/** Python's str.strip(). */
export function pythonStrip(text: string): string {
  return text.replace(EDGES, '')
}

const SURROGATE = /[\ud800-\udfff]/

/** Python's len(): code points. */
export function codePoints(text: string): number {
  if (!SURROGATE.test(text)) return text.length
  let count = 0
  for (const _ of text) count++
  return count
}
