// A tool result's content blocks → the values of `${response}`, as
// model-compose maps them: text → its text, image and audio → their base64
// data, an embedded resource → its text or base64 blob, a resource link → its
// URI; any other block → null.

type ContentBlock = { type: string; [key: string]: unknown }

export function valueOf(block: ContentBlock): unknown {
  switch (block.type) {
    case 'text':
      return block.text
    case 'image':
    case 'audio':
      return block.data
    case 'resource': {
      const resource = (block.resource ?? {}) as { text?: unknown; blob?: unknown }
      return resource.text ?? resource.blob ?? null
    }
    case 'resource_link':
      return block.uri
    default:
      return null
  }
}

/** The text blocks of a result joined, for an error message. */
export function textOf(blocks: ContentBlock[]): string {
  return blocks
    .filter((block) => block.type === 'text')
    .map((block) => String(block.text))
    .join(' ')
}
